"""Test controls for calls, under /_fake/calls (decision 0033).

POST /_fake/calls/plan      how the next calls to a number (or to any) go
POST /_fake/calls/latency   every Calls API request waits this long first
POST /_fake/calls/errors    fail the next call creates
GET  /_fake/calls[?to=]     every call: what it played and said, keys, requests, statuses
GET  /_fake/calls/<sid>     one call
POST /_fake/calls/<sid>/answer|voicemail|decline|keys|speech|hangup   act as the phone
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, request

from services.fake_twilio.control import BadControl, _body, _number, _text, injected_error
from services.fake_twilio.resources import json_response
from services.fake_twilio.voice_store import OUTCOMES, CallBehaviour, FakeCall

blp = Blueprint("fake_calls", __name__, url_prefix="/_fake/calls")
KEYS = frozenset("0123456789*#w")


@blp.errorhandler(BadControl)
def _bad_control(exc: BadControl) -> Response:
    return json_response({"error": str(exc)}, 400)


def _fake() -> Any:
    return current_app.extensions["fake_twilio"]


def _strings(body: dict[str, Any], key: str) -> tuple[str, ...]:
    value = body.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise BadControl(f"'{key}' must be a string or a list of strings")
    return tuple(value)


@blp.post("/plan")
def plan() -> Response:
    """{"to": "+44...", "outcome": "answer", "keys": ["1"], "count": 1}.

    outcome: ring (wait for the phone page or a control), answer (a person), voicemail (a
    machine), no-answer, busy, failed. keys/speech: what the person gives at each <Gather>.
    hangup_after: hang up after that many gathers. No "to": every number. No "count": every
    call until reset.
    """
    body = _body()
    outcome = body.get("outcome", "answer")
    if outcome not in OUTCOMES:
        raise BadControl(f"'outcome' must be one of {', '.join(OUTCOMES)}")
    keys = _strings(body, "keys")
    if any(set(k) - KEYS for k in keys):
        raise BadControl("'keys' may hold only 0-9, * and #")
    hangup_after = body.get("hangup_after")
    count = body.get("count")
    to = body.get("to")
    behaviour = CallBehaviour(
        outcome=outcome,
        keys=keys,
        speech=_strings(body, "speech"),
        hangup_after=int(_number(body, "hangup_after")) if hangup_after is not None else None,
    )
    _fake().calls.plan(
        to if isinstance(to, str) and to else None,
        behaviour,
        max(int(_number(body, "count")), 1) if count is not None else None,
    )
    return json_response({"planned": outcome, "to": to, "count": count})


@blp.post("/latency")
def latency() -> Response:
    """{"ms": 200}: every Calls API request waits this long first (besides /_fake/latency)."""
    _fake().calls.latency = _number(_body(), "ms") / 1000
    return json_response({"latency_ms": _fake().calls.latency * 1000})


@blp.post("/errors")
def errors() -> Response:
    """{"status": 429, "code": 20429, "count": 3, "to": "+44..."}: fail the next call creates."""
    return json_response({"queued_errors": _fake().calls.inject_error(injected_error())})


@blp.get("")
def calls() -> Response:
    """Every call, oldest first; ?to= keeps the calls to that number."""
    return json_response([c.log_entry() for c in _fake().calls.calls(request.args.get("to"))])


def _call(sid: str) -> FakeCall:
    call: FakeCall | None = _fake().calls.get(sid)
    if call is None:
        raise BadControl(f"no call {sid}")
    return call


@blp.get("/<sid>")
def one(sid: str) -> Response:
    return json_response(_call(sid).log_entry())


@blp.post("/<sid>/<action>")
def act(sid: str, action: str) -> Response:
    """The phone's side: answer, voicemail, decline, keys {"digits"}, speech {"text"}, hangup."""
    call = _call(sid)
    body = request.get_json(silent=True) or {}
    act_on(call, action, body, listening=False)
    return json_response(call.log_entry())


def act_on(call: FakeCall, action: str, body: dict[str, Any], *, listening: bool) -> None:
    """Shared by the controls and the phone page (which listens to the audio)."""
    events = call.events
    if action in ("answer", "voicemail", "decline"):
        if call.status not in ("queued", "ringing"):
            raise BadControl(f"the call is {call.status}, not ringing")
        if call.behaviour.outcome != "ring":
            raise BadControl(f"the call was planned '{call.behaviour.outcome}', not 'ring'")
        events.notify(decision=action, interactive=True, listening=listening)
    elif action == "keys":
        digits = _text(body, "digits")
        if set(digits) - KEYS:
            raise BadControl("'digits' may hold only 0-9, * and #")
        events.press(digits)
    elif action == "speech":
        events.say(_text(body, "text"))
    elif action == "hangup":  # while it rings, hanging up declines it
        ringing = call.status in ("queued", "ringing")
        events.notify(**({"decision": "decline"} if ringing else {"hangup": True}))
    else:
        raise BadControl(f"unknown action {action}")

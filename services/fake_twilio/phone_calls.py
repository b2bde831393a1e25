"""The phone simulator's calls: ringing, answering, audio, the keypad (decision 0033).

The page's script (static/phone_call.js) polls /phone/calls/current.json for the chosen
number and acts through /phone/calls/<sid>/<action>: answer, voicemail, decline, keys,
hangup, and played (a prompt's audio ended, so the call may go on). <Say> is heard as an
espeak-ng WAV from /phone/say.wav. The phone pages send a Content-Security-Policy that
allows scripts from this server only, and audio from anywhere (recordings live on the app).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, request, url_for

from services.fake_twilio.control import BadControl
from services.fake_twilio.resources import json_response
from services.fake_twilio.speech import synthesize
from services.fake_twilio.voice_control import act_on
from services.fake_twilio.voice_store import FakeCall

blp = Blueprint(
    "phone_calls",
    __name__,
    static_folder="static",
    static_url_path="/phone/static",
)

CSP = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "media-src 'self' http: https: data: blob:",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    )
)


def _fake() -> Any:
    return current_app.extensions["fake_twilio"]


@blp.errorhandler(BadControl)
def _bad_control(exc: BadControl) -> Response:
    return json_response({"error": str(exc)}, 400)


def secure(response: Response) -> Response:
    """The phone pages' headers (also used by phone.py for the page itself)."""
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


blp.after_request(secure)


def current_call(number: str | None) -> FakeCall | None:
    """The call the phone at `number` shows: the newest still live, else the newest."""
    calls: list[FakeCall] = _fake().calls.calls(number) if number else []
    live = [c for c in calls if not c.final]
    shown = live or calls
    return shown[-1] if shown else None


@blp.get("/phone/calls/current.json")
def current() -> Response:
    """The chosen number's call, and the other numbers ringing now (so none is missed)."""
    number = request.args.get("number") or None
    call = current_call(number)
    ringing = [
        c.to
        for c in _fake().calls.calls()
        if c.status in ("queued", "ringing") and c.to != number and c.behaviour.outcome == "ring"
    ]
    elsewhere = [
        {"number": n, "url": url_for("phone.phone", number=n)} for n in dict.fromkeys(ringing)
    ]
    response = json_response({"call": view(call) if call else None, "elsewhere": elsewhere})
    response.headers["Cache-Control"] = "no-store"
    return response


@blp.post("/phone/calls/<sid>/<action>")
def act(sid: str, action: str) -> Response:
    call: FakeCall | None = _fake().calls.get(sid)
    if call is None:
        raise BadControl(f"no call {sid}")
    body = request.get_json(silent=True) or {}
    if action == "played":
        index = body.get("index")
        if not isinstance(index, int) or isinstance(index, bool):
            raise BadControl("'index' must be a prompt number")
        call.events.mark_played(index)
    else:
        act_on(call, action, body, listening=True)
    return json_response({"call": view(call)})


@blp.get("/phone/say.wav")
def say() -> Response:
    """<Say> as espeak-ng speaks it; 404 where it cannot (no espeak-ng, unknown language)."""
    wav = synthesize(request.args.get("text", ""), request.args.get("language") or None)
    if wav is None:
        return json_response({"error": "espeak-ng cannot say this"}, 404)
    response = Response(wav, mimetype="audio/wav")
    response.headers["Cache-Control"] = "max-age=3600"
    return response


def view(call: FakeCall) -> dict[str, Any]:
    """What the page needs to draw the call."""
    heard = list(call.heard)
    index = call.prompt
    prompt = None
    if index is not None and index < len(heard):
        item = heard[index]
        prompt = {
            "index": index,
            "kind": item.kind,
            "text": item.text,
            "language": item.language,
            "audio": _audio(item.kind, item.text, item.language),
        }
    return {
        "sid": call.sid,
        "from": call.from_,
        "to": call.to,
        "status": call.status,
        "picked_up_by": call.picked_up_by,
        "answered_by": call.answered_by,
        "listening": call.events.listening,
        "gathering": call.gathering,
        "prompt": prompt,
        "heard": [{"kind": h.kind, "text": h.text, "language": h.language} for h in heard],
        "keys": "".join(call.keys),
        "duration": call.duration,
    }


def _audio(kind: str, text: str, language: str | None) -> str | None:
    if kind == "play":
        return text
    if kind == "say":
        query = urlencode({"text": text, **({"language": language} if language else {})})
        return f"{url_for('phone_calls.say')}?{query}"
    return None

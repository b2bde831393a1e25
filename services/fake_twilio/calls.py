"""Enough of Twilio's Calls API for the twilio SDK: create, fetch, list and update calls.

The call itself runs on voice_runner.py; this file only takes requests and shows calls in
Twilio's JSON. Latency and outages set for the whole API apply here too; /_fake/calls/latency
and /_fake/calls/errors slow or fail only the Calls API (decision 0033).
"""

from __future__ import annotations

import re
import time
from typing import Any

from flask import Blueprint, Response, current_app, request
from werkzeug.datastructures import MultiDict

from services.fake_twilio import api
from services.fake_twilio.resources import (
    API_VERSION,
    json_response,
    refusal,
    twilio_error,
    twilio_page,
)
from services.fake_twilio.store import new_sid, rfc2822
from services.fake_twilio.voice_store import CallBehaviour, FakeCall
from shared.clock import now

blp = Blueprint("twilio_calls", __name__, url_prefix="/2010-04-01/Accounts/<account_sid>")

URL = re.compile(r"https?://[^\s/_]+(/\S*)?")
EVENTS = frozenset({"initiated", "ringing", "answered", "completed"})
MAX_TIMEOUT = 600  # seconds Twilio lets a call ring at most
WAIT_FOR_END = 2.0  # seconds an update waits for the call to reach the status it asked for


def _fake() -> Any:
    return current_app.extensions["fake_twilio"]


@blp.before_request
def _authenticate_and_misbehave() -> Response | None:
    latency = _fake().calls.latency
    if latency:
        time.sleep(latency)
    return api._authenticate_and_misbehave()


def _invalid(form: MultiDict[str, str]) -> tuple[int, int, str] | None:
    to, sender = form.get("To", ""), form.get("From", "")
    if not to:
        return 400, 21201, "No 'To' number is specified"
    if not api.E164.fullmatch(to):
        return 400, 21211, f"The 'To' number {to} is not a valid phone number."
    if not sender:
        return 400, 21213, "No 'From' number is specified"
    if not api.E164.fullmatch(sender):
        return 400, 21212, f"The 'From' number {sender} is not a valid phone number."
    url, inline = form.get("Url", ""), form.get("Twiml", "")
    if not url and not inline:
        return 400, 21205, "A 'Url' or 'Twiml' parameter is required."
    if url and not URL.fullmatch(url):
        return 400, 21205, f"Url is not a valid URL: {url}"
    for name in ("StatusCallback", "FallbackUrl", "AsyncAmdStatusCallback"):
        value = form.get(name, "")
        if value and not URL.fullmatch(value):
            return 400, 21609 if name == "StatusCallback" else 21205, f"Invalid '{name}'"
    timeout = form.get("Timeout", "")
    if timeout and not timeout.isdigit():
        return 400, 21216, "Timeout must be a whole number of seconds"
    return None


@blp.post("/Calls.json")
def create(account_sid: str) -> Response:
    fake = _fake()
    form = request.form
    refused = refusal(_invalid(form), lambda: fake.calls.take_error(form["To"]))
    if refused is not None:
        return refused
    events = frozenset(e for e in form.getlist("StatusCallbackEvent") for e in e.split())
    detection = form.get("MachineDetection", "")
    call = FakeCall(
        sid=new_sid("CA"),
        to=form["To"],
        from_=form["From"],
        created=now(),
        url=form.get("Url") or None,
        twiml=form.get("Twiml") or None,
        method=_method(form.get("Method")),
        fallback_url=form.get("FallbackUrl") or None,
        status_callback=form.get("StatusCallback") or None,
        status_callback_method=_method(form.get("StatusCallbackMethod")),
        status_events=(events & EVENTS) or frozenset({"completed"}),
        machine_detection=detection if detection in ("Enable", "DetectMessageEnd") else None,
        async_amd=(
            (
                form.get("AsyncAmdStatusCallback") or None,
                _method(form.get("AsyncAmdStatusCallbackMethod")),
            )
            if form.get("AsyncAmd", "").lower() == "true"
            else None
        ),
        timeout=min(int(form.get("Timeout") or 60), MAX_TIMEOUT),
        behaviour=fake.calls.behaviour_for(
            form["To"], CallBehaviour(outcome=fake.settings.call_default)
        ),
    )
    call.updated = call.created
    response = json_response(shape(call), 201)  # queued, before the runner can move it
    fake.calls.add(call)
    fake.voice.start(call)
    return response


@blp.get("/Calls/<sid>.json")
def fetch(account_sid: str, sid: str) -> Response:
    call = _fake().calls.get(sid)
    if call is None:
        return twilio_error(404, 20404, f"The requested resource {request.path} was not found")
    return json_response(shape(call))


@blp.post("/Calls/<sid>.json")
def update(account_sid: str, sid: str) -> Response:
    """Status=canceled ends a queued or ringing call, completed any live one; Url or Twiml
    sends a live call to new TwiML."""
    call: FakeCall | None = _fake().calls.get(sid)
    if call is None:
        return twilio_error(404, 20404, f"The requested resource {request.path} was not found")
    form = request.form
    status = form.get("Status", "")
    url, inline = form.get("Url", ""), form.get("Twiml", "")
    if status and status not in ("canceled", "completed"):
        return twilio_error(400, 20001, f"Invalid Status: {status}")
    if url and not URL.fullmatch(url):
        return twilio_error(400, 21205, f"Url is not a valid URL: {url}")
    events = call.events
    if status and not call.final:
        if status == "completed" or call.status in ("queued", "ringing"):
            events.notify(end=status)
            with events.cond:
                events.cond.wait_for(lambda: call.final, WAIT_FOR_END)
    elif url or inline:
        if call.status != "in-progress":
            return twilio_error(400, 21220, "Call is not in-progress. Cannot redirect.")
        method = _method(form.get("Method"))
        events.notify(redirect=(url or None, inline or None, method))
    return json_response(shape(call))


@blp.get("/Calls.json")
def list_calls(account_sid: str) -> Response:
    args = request.args
    try:
        page = int(args.get("Page", 0))
        page_size = min(max(int(args.get("PageSize", 50)), 1), 1000)
        started = api.time_filter(args, "StartTime", lambda c: c.start_time)
        ended = api.time_filter(args, "EndTime", lambda c: c.end_time)
    except ValueError as exc:
        return twilio_error(400, 20001, str(exc))
    to, sender, status = args.get("To"), args.get("From"), args.get("Status")
    found = [
        c
        for c in _fake().calls.calls(to or None)
        if (not sender or c.from_ == sender)
        and (not status or c.status == status)
        and started(c)
        and ended(c)
    ]
    found.reverse()  # newest first, as Twilio lists them
    keys = ("To", "From", "Status", "StartTime", "EndTime")
    filters = {k: v for k, v in args.items() if k.startswith(keys)}
    return json_response(_page(account_sid, found, filters, page, page_size))


def _method(value: str | None) -> str:
    return "GET" if (value or "").upper() == "GET" else "POST"


def shape(call: FakeCall) -> dict[str, Any]:
    """Twilio's Call resource."""
    account = _fake().settings.account_sid
    uri = f"/{API_VERSION}/Accounts/{account}/Calls/{call.sid}"
    duration = call.duration
    return {
        "account_sid": account,
        "annotation": None,
        "answered_by": call.answered_by,
        "api_version": API_VERSION,
        "caller_name": None,
        "date_created": rfc2822(call.created),
        "date_updated": rfc2822(call.updated or call.created),
        "direction": "outbound-api",
        "duration": str(duration) if duration is not None else None,
        "end_time": rfc2822(call.end_time),
        "forwarded_from": None,
        "from": call.from_,
        "from_formatted": call.from_,
        "group_sid": None,
        "parent_call_sid": None,
        "phone_number_sid": "PN" + "0" * 32,
        "price": None,
        "price_unit": "USD",
        "queue_time": "0",
        "sid": call.sid,
        "start_time": rfc2822(call.start_time),
        "status": call.status,
        "subresource_uris": {
            name: f"{uri}/{name.title().replace('_', '')}.json"
            for name in ("notifications", "recordings", "payments", "events", "streams")
        },
        "to": call.to,
        "to_formatted": call.to,
        "trunk_sid": None,
        "uri": f"{uri}.json",
    }


def _page(
    account_sid: str, found: list[FakeCall], filters: dict[str, str], page: int, page_size: int
) -> dict[str, Any]:
    base = f"/{API_VERSION}/Accounts/{account_sid}/Calls.json"
    return twilio_page("calls", found, shape, base, filters, page, page_size)

"""Enough of Twilio's Messages API for the twilio SDK: create, fetch and list messages."""

from __future__ import annotations

import hmac
import re
import time
from base64 import b64encode
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from flask import Blueprint, Response, current_app, request
from werkzeug.datastructures import MultiDict

from services.fake_twilio import whatsapp
from services.fake_twilio.resources import json_response, refusal, twilio_error
from services.fake_twilio.store import Delivery, FakeMessage
from shared.clock import now

blp = Blueprint("twilio_api", __name__, url_prefix="/2010-04-01/Accounts/<account_sid>")

E164 = re.compile(r"\+[1-9]\d{6,14}")
SHORT_CODE = re.compile(r"\d{3,8}")
ALPHANUMERIC_SENDER = re.compile(r"(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}")
MAX_BODY = 1600  # characters, all parts together
MAX_VALIDITY = 36_000  # seconds


def _fake() -> Any:
    return current_app.extensions["fake_twilio"]


def basic_auth_header(account_sid: str, auth_token: str) -> str:
    """The Authorization header the SDK sends; compared as a string, not parsed per request."""
    return "Basic " + b64encode(f"{account_sid}:{auth_token}".encode()).decode()


@blp.before_request
def _authenticate_and_misbehave() -> Response | None:
    fake = _fake()
    if fake.store.latency:
        time.sleep(fake.store.latency)
    if fake.store.in_outage():
        return twilio_error(503, 20503, "Service Unavailable (simulated outage)")
    given = request.headers.get("Authorization", "")
    path_sid = (request.view_args or {}).get("account_sid")
    if not hmac.compare_digest(given, fake.auth_header) or path_sid != fake.settings.account_sid:
        return twilio_error(401, 20003)
    return None


def _invalid(form: MultiDict[str, str]) -> tuple[int, int, str | None] | None:
    """The first thing Twilio would refuse in this create request: (status, code, message)."""
    to, body = form.get("To", ""), form.get("Body", "")
    sender, service = form.get("From", ""), form.get("MessagingServiceSid", "")
    if whatsapp.is_whatsapp(to) or whatsapp.is_whatsapp(sender):
        return whatsapp.invalid(form) or _invalid_common(form)
    if not to:
        return 400, 21604, None
    if not E164.fullmatch(to):
        return 400, 21211, f"The 'To' number {to} is not a valid phone number."
    if not sender and not service:
        return 400, 21603, None
    if sender and not any(p.fullmatch(sender) for p in (E164, SHORT_CODE, ALPHANUMERIC_SENDER)):
        return 400, 21212, f"The 'From' number {sender} is not a valid phone number."
    if not body:
        return 400, 21602, None
    return _invalid_common(form)


def _invalid_common(form: MultiDict[str, str]) -> tuple[int, int, str | None] | None:
    if len(form.get("Body", "")) > MAX_BODY:
        return 400, 21617, None
    callback = form.get("StatusCallback", "")
    if callback and not re.fullmatch(r"https?://[^\s/_]+(/\S*)?", callback):
        return 400, 21609, None
    validity = form.get("ValidityPeriod", "")
    if validity and not (validity.isdigit() and 1 <= int(validity) <= MAX_VALIDITY):
        return 400, 21624, None
    return None


@blp.post("/Messages.json")
def create(account_sid: str) -> Response:
    fake = _fake()
    form = request.form
    refused = refusal(_invalid(form), lambda: fake.store.take_error(form["To"]))
    if refused is not None:
        return refused
    to, body = form["To"], whatsapp.body_of(form, fake.content_templates)
    created = now()
    sender = form.get("From") or None
    message = FakeMessage(
        direction="outbound-api",
        to=to,
        from_=sender,
        body=body,
        # With only a Messaging Service, Twilio answers "accepted" and picks the sender later.
        delivery=Delivery("queued" if sender else "accepted", created),
        created=created,
        status_callback=form.get("StatusCallback") or None,
        messaging_service_sid=form.get("MessagingServiceSid") or None,
        validity_period=int(form["ValidityPeriod"]) if form.get("ValidityPeriod") else None,
        content_sid=form.get("ContentSid") or None,
    )
    response = json_response(fake.shapes.message(message), 201)  # before a status can move
    fake.store.add(message)
    fake.webhooks.track(message)
    return response


@blp.get("/Messages/<sid>.json")
def fetch(account_sid: str, sid: str) -> Response:
    fake = _fake()
    message = fake.store.get(sid)
    if message is None:
        return twilio_error(404, 20404, f"The requested resource {request.path} was not found")
    return json_response(fake.shapes.message(message))


@blp.get("/Messages.json")
def list_messages(account_sid: str) -> Response:
    fake = _fake()
    args = request.args
    try:
        page = int(args.get("Page", 0))
        page_size = min(max(int(args.get("PageSize", 50)), 1), 1000)
        wanted = _sent_filter(args)
    except ValueError as exc:
        return twilio_error(400, 20001, str(exc))
    to, sender = args.get("To"), args.get("From")
    found = [
        m
        for m in fake.store.messages(to or sender)
        if (not to or m.to == to) and (not sender or m.from_ == sender) and wanted(m)
    ]
    found.reverse()  # newest first, as Twilio lists them
    filters = {k: v for k, v in args.items() if k.startswith(("To", "From", "DateSent"))}
    return json_response(fake.shapes.page(found, filters, page, page_size))


def _sent_filter(args: MultiDict[str, str]) -> Any:
    """DateSent (that day), DateSent> (on or after), DateSent< (on or before), in UTC."""
    # Unsent messages have no date_sent, so no filter matches them.
    return time_filter(args, "DateSent", lambda m: m.delivery.sent)


def time_filter(
    args: MultiDict[str, str], name: str, when: Callable[[Any], datetime | None]
) -> Any:
    """A filter on `name` (that day), `name>` (on or after), `name<` (on or before), in UTC;
    a resource whose time is None matches only when no bound is given."""
    on, after, before = args.get(name), args.get(f"{name}>"), args.get(f"{name}<")
    if not (on or after or before):
        return lambda resource: True
    day = _parse_day(on) if on else None
    low = _parse_bound(after, end=False) if after else None
    high = _parse_bound(before, end=True) if before else None

    def wanted(resource: Any) -> bool:
        at = when(resource)
        return (
            at is not None
            and (day is None or at.date() == day)
            and (low is None or at >= low)
            and (high is None or at <= high)
        )

    return wanted


def _parse_day(text: str) -> date:
    return _parse_bound(text, end=False).date()


def _parse_bound(text: str, *, end: bool) -> datetime:
    """'YYYY-MM-DD' covers the whole day; 'YYYY-MM-DDTHH:MM:SSZ' is an instant."""
    try:
        if len(text) == 10:
            start = datetime.combine(date.fromisoformat(text), datetime.min.time(), UTC)
            return start + timedelta(days=1, microseconds=-1) if end else start
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
        return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)
    except ValueError:
        raise ValueError(f"Invalid date: {text}") from None

"""The phone simulator: see what each number received, and reply as that patient.

Calls ring on the same page (phone_calls.py); both send the same Content-Security-Policy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from markupsafe import Markup, escape
from werkzeug.wrappers import Response

from services.fake_twilio.phone_calls import secure
from services.fake_twilio.store import FakeMessage
from services.fake_twilio.whatsapp import is_whatsapp

blp = Blueprint("phone", __name__, template_folder="templates")
blp.after_request(secure)


def _fake() -> Any:
    return current_app.extensions["fake_twilio"]


@dataclass(frozen=True)
class Bubble:
    """One text as the phone shows it."""

    sid: str
    received: bool  # True: TrialReach texted the patient; False: the patient replied
    body: str
    iso_time: str
    time: str
    parts: str  # "2 parts · UCS-2", or "WhatsApp template HX..."
    outcome: str  # delivery status, or what TrialReach answered to the reply
    channel: str = "sms"  # "whatsapp" for a `whatsapp:` address

    @classmethod
    def of(cls, m: FakeMessage) -> Bubble:
        received = m.direction != "inbound"
        parts = f"{m.segments} part{'' if m.segments == 1 else 's'} · {m.encoding}"
        whatsapp = is_whatsapp(m.to) or is_whatsapp(m.from_)
        if whatsapp:
            parts = f"WhatsApp template {m.content_sid}" if m.content_sid else "WhatsApp"
        return cls(
            sid=m.sid,
            received=received,
            body=m.body,
            iso_time=m.created.isoformat(),
            time=m.created.strftime("%H:%M:%S"),
            parts=parts,
            outcome=_delivery(m) if received else _answer(m),
            channel="whatsapp" if whatsapp else "sms",
        )


def _delivery(m: FakeMessage) -> str:
    delivery = m.delivery
    return (
        f"{delivery.status} (error {delivery.error_code})"
        if delivery.error_code
        else delivery.status
    )


def _answer(m: FakeMessage) -> str:
    if m.webhook is None:
        return "sending to TrialReach"
    if m.webhook.ok:
        return "delivered to TrialReach"
    if m.webhook.http_status is None:
        return f"could not reach TrialReach ({m.webhook.error})"
    return f"TrialReach answered {m.webhook.http_status}"


@blp.get("/")
def home() -> Response:
    return redirect(url_for("phone.phone"))


@blp.get("/phone")
def phone() -> str:
    fake = _fake()
    # The most recently texted or called first.
    numbers = list(dict.fromkeys([*fake.store.recipients(), *fake.calls.numbers()]))[::-1]
    chosen = request.args.get("number") or (numbers[0] if numbers else None)
    thread = [Bubble.of(m) for m in fake.store.messages(chosen)] if chosen else []
    return render_template(
        "phone.html", numbers=numbers, chosen=chosen, thread=thread, settings=fake.settings
    )


@blp.post("/phone/reply")
def reply() -> Response:
    number = request.form.get("number", "").strip()
    body = request.form.get("body", "")
    if number and body.strip():
        _fake().webhooks.reply(number, body)
    # 303: the browser follows with a GET, so a reload does not send the reply twice.
    return redirect(url_for("phone.phone", number=number or None, _anchor="reply"), code=303)


_URL = re.compile(r"https?://[^\s<>\"']+")


@blp.app_template_filter("linkify")
def linkify(text: str) -> Markup:
    """Escape the text and make its links clickable (consent links arrive by SMS)."""
    pieces: list[Markup] = []
    last = 0
    for match in _URL.finditer(text):
        url = match.group(0).rstrip(".,;:!?)")  # sentence punctuation is not part of the link
        pieces += [escape(text[last : match.start()]), Markup('<a href="{0}">{0}</a>').format(url)]
        last = match.start() + len(url)
    pieces.append(escape(text[last:]))
    return Markup("").join(pieces)

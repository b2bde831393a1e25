"""WhatsApp on the fake Messages API: `whatsapp:` addresses, content templates (ContentSid
and ContentVariables), and test controls to tell the fake a template's approved text.

A message to `whatsapp:+44...` must come from a WhatsApp sender (`whatsapp:` and the
account's number, or a Messaging Service). Its body is the template's text with the
variables filled in when the fake knows the template, else the variables shown as they came.
"""

from __future__ import annotations

import json
import re
import threading
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, current_app, request
from werkzeug.datastructures import MultiDict

from services.fake_twilio.resources import json_response

PREFIX = "whatsapp:"
CONTENT_SID = re.compile(r"HX[0-9a-fA-F]{32}")
E164 = re.compile(r"\+[1-9]\d{6,14}")
PLACEHOLDER = re.compile(r"\{\{(\d+)\}\}")

blp = Blueprint("fake_whatsapp", __name__, url_prefix="/_fake/whatsapp")


def is_whatsapp(address: str | None) -> bool:
    return bool(address) and str(address).startswith(PREFIX)


def number_of(address: str) -> str:
    return address[len(PREFIX) :] if is_whatsapp(address) else address


class ContentTemplates:
    """The approved texts the fake knows, by ContentSid (set by tests or the local run)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._bodies: dict[str, str] = {}

    def set(self, sid: str, body: str) -> None:
        with self._lock:
            self._bodies[sid] = body

    def load(self, path: Path) -> None:
        """Templates from a JSON file {ContentSid: text}; a missing file adds none."""
        if path.exists():
            for sid, body in json.loads(path.read_text()).items():
                self.set(sid, body)

    def get(self, sid: str) -> str | None:
        with self._lock:
            return self._bodies.get(sid)

    def all(self) -> dict[str, str]:
        with self._lock:
            return dict(self._bodies)

    def clear(self) -> None:
        with self._lock:
            self._bodies.clear()


def invalid(form: MultiDict[str, str]) -> tuple[int, int, str | None] | None:
    """What Twilio would refuse in a WhatsApp create request: (status, code, message)."""
    to, sender = form.get("To", ""), form.get("From", "")
    if not E164.fullmatch(number_of(to)):
        return 400, 21211, f"The 'To' number {to} is not a valid phone number."
    if sender and not is_whatsapp(sender):
        return 400, 63007, "Twilio could not find a Channel with the specified From address"
    if not sender and not form.get("MessagingServiceSid"):
        return 400, 21603, None
    content_sid = form.get("ContentSid", "")
    if content_sid:
        if not CONTENT_SID.fullmatch(content_sid):
            return 400, 21655, "The ContentSid is invalid."
        variables = form.get("ContentVariables", "")
        if variables and not _variables(variables):
            return 400, 21656, "The ContentVariables Parameter is invalid."
    elif not form.get("Body"):
        return 400, 21602, None
    return None


def _variables(text: str) -> dict[str, str] | None:
    try:
        found = json.loads(text)
    except ValueError:
        return None
    if not isinstance(found, dict) or not all(isinstance(v, str) for v in found.values()):
        return None
    return {str(k): v for k, v in found.items()}


def body_of(form: MultiDict[str, str], templates: ContentTemplates) -> str:
    """What the patient's phone shows: the template's text filled in, or its variables."""
    content_sid = form.get("ContentSid", "")
    if not content_sid:
        return form["Body"]
    values = _variables(form.get("ContentVariables", "") or "{}") or {}
    known = templates.get(content_sid)
    if known is None:
        shown = ", ".join(f"{{{{{k}}}}}={v}" for k, v in sorted(values.items()))
        return f"[WhatsApp template {content_sid}] {shown}".strip()
    return PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), known)


def _fake() -> Any:
    return current_app.extensions["fake_twilio"]


@blp.post("/templates")
def set_template() -> Response:
    """Tell the fake a content template's approved text: {"sid": "HX...", "body": "..."}."""
    data = request.get_json(silent=True)
    sid = data.get("sid") if isinstance(data, dict) else None
    body = data.get("body") if isinstance(data, dict) else None
    if not isinstance(sid, str) or not CONTENT_SID.fullmatch(sid) or not isinstance(body, str):
        return json_response({"error": "send {'sid': 'HX' and 32 hex, 'body': text}"}, 400)
    _fake().content_templates.set(sid, body)
    return json_response({"sid": sid, "body": body}, 201)


@blp.get("/templates")
def list_templates() -> Response:
    return json_response(_fake().content_templates.all())

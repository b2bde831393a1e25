"""Twilio's status callbacks and inbound texts: cheap checks first, then the signature,
stored before the 2xx; held on the bus when the database is away (decision 16)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from functools import wraps
from http import HTTPStatus
from typing import Any

from flask import Response, current_app, request
from flask_smorest import Blueprint
from marshmallow import Schema

from services.messaging.adapters.webhook_hold import WebhookHold
from services.messaging.entrypoints.api.schemas import InboundForm, StatusCallbackForm
from services.messaging.entrypoints.context import settings, uow_factory
from services.messaging.entrypoints.twilio_requests import (
    INBOUND,
    STATUS,
    signed_for_us,
    store_inbound,
)
from services.messaging.entrypoints.twilio_requests import (
    status_callback as callback_from,
)
from services.messaging.service_layer.statuses import StatusCallback
from shared.db.group_commit import GroupCommit
from shared.http.problems import problem
from shared.http.unavailable import is_dependency_down, unavailable
from shared.logs import get_logger

log = get_logger(__name__)
blp = Blueprint("webhooks", __name__, url_prefix="/webhooks/twilio", description="Twilio webhooks")
# Documented as the shared problem responses (neither the database nor the bus for 503).
TOO_LARGE, UNAVAILABLE = HTTPStatus(413).name, HTTPStatus(503).name
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
STATUS_WRITER = "messaging.status_callbacks"  # built by bootstrap.build_app
HOLD = "messaging.webhook_hold"  # built by bootstrap.build_app
# Twilio's forms are a few dozen fields and at most 1,600 characters of text (each up to
# 9 bytes percent-encoded): anything far bigger is refused before it is parsed.
MAX_BODY_BYTES = 32 * 1024
MAX_FIELDS = 100
# A group waits this long after its first callback for those arriving with it: groups about
# twice as big, and 8% more callbacks a second on two cores (bench/README.md, webhooks).
GATHER = 0.001
# Instances, not classes: webargs would build a schema per request on the hottest route.
STATUS_FORM, INBOUND_FORM = StatusCallbackForm(), InboundForm()


def twilio_signed(view: Callable[..., Any]) -> Callable[..., Any]:
    """403 unless X-Twilio-Signature matches a URL Twilio calls (public or fallback) and
    the form. Cheap things first: no signature header, no parsing; too big, no parsing."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        signature = request.headers.get("X-Twilio-Signature", "")
        if not signature:
            log.warning("webhook_bad_signature", path=request.path)
            return _forbidden()
        too_big = _too_big()
        if too_big is not None:
            return too_big
        path = request.full_path.rstrip("?")
        if not signed_for_us(settings(), path, request.form.to_dict(), signature):
            log.warning("webhook_bad_signature", path=request.path)
            return _forbidden()
        return view(*args, **kwargs)

    return wrapper


def _forbidden() -> Response:
    return problem(403, "Forbidden", "The X-Twilio-Signature header does not match.")


def _too_big() -> Response | None:
    """A 413 problem for a body or a field count no Twilio form comes near, read at most
    MAX_BODY_BYTES (a chunked body that goes on is cut off there, also a 413)."""
    length = request.content_length
    if length is None or length <= MAX_BODY_BYTES:
        # One byte more than allowed is read at most: a longer chunked body shows itself.
        request.max_content_length = MAX_BODY_BYTES + 1
        request.max_form_parts = MAX_FIELDS  # multipart bodies are counted as they parse
        body = request.get_data(cache=True)  # kept for the form parser
        if len(body) <= MAX_BODY_BYTES and body.count(b"&") < MAX_FIELDS:
            return None
    log.warning("webhook_too_large", path=request.path, length=length)
    return problem(
        413,
        "Content too large",
        f"A Twilio webhook is at most {MAX_BODY_BYTES} bytes and {MAX_FIELDS} fields.",
    )


def _hold(kind: str) -> bool:
    """Put this signed request on the bus to be stored later; False if that failed too."""
    hold: WebhookHold = current_app.extensions[HOLD]
    held = {
        "kind": kind,
        "path": request.full_path.rstrip("?"),
        "form": list(request.form.items(multi=True)),
        "signature": request.headers["X-Twilio-Signature"],
        "received_at": datetime.now(UTC).isoformat(),
    }
    try:
        hold.put(held)
    except Exception:
        log.exception("webhook_not_held", kind=kind, message_sid=request.form.get("MessageSid"))
        return False
    log.warning("webhook_held", kind=kind, message_sid=request.form.get("MessageSid"))
    return True


def stored_or_held(kind: str, store: Callable[[], object]) -> Response | None:
    """Store; if the database is away, hold the request on the bus instead. None once it
    is safe in one or the other; a 503 with Retry-After if neither can take it."""
    try:
        store()
    except Exception as exc:
        if not is_dependency_down(exc):
            raise
        log.warning("webhook_store_failed", kind=kind, error=type(exc).__name__)
        if not _hold(kind):
            return unavailable("Neither the database nor the message bus is reachable.")
    return None


def twilio_webhook(
    on: Blueprint, form: Schema, status: int, body: Any = None, **answer: Any
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """What every Twilio webhook view is: no bearer token but Twilio's signature, the form
    it posts, its answer (`on.response`'s arguments), and the 413 and 503 it may give."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        for outer in (  # innermost first, as stacked decorators apply
            on.alt_response(503, response=UNAVAILABLE),
            on.alt_response(413, response=TOO_LARGE),
            on.response(status, body, **answer),
            on.arguments(form, location="form"),
            twilio_signed,
            on.doc(security=[]),
        ):
            view = outer(view)
        return view

    return decorate


@blp.post("/status/<uuid:message_id>")
@twilio_webhook(
    blp, STATUS_FORM, 204, description="Stored (then applied, only if it moves the message forward)"
)
def status_callback(form: dict[str, Any], message_id: uuid.UUID) -> Response:
    return stored_status(STATUS, callback_from(message_id, form))


def stored_status(kind: str, callback: StatusCallback) -> Response:
    """A text's or a call's status callback, stored before answering (submit returns once
    committed; applied after, decision 14), or held on the bus while the database is away
    (decision 16)."""
    failed = stored_or_held(kind, lambda: status_writer().submit(callback))
    return failed or Response(status=204)


def status_writer() -> GroupCommit[StatusCallback, None]:
    """This process's one writer of status callbacks (built by bootstrap.build_app)."""
    writer: GroupCommit[StatusCallback, None] = current_app.extensions[STATUS_WRITER]
    return writer


@blp.post("/inbound")
@twilio_webhook(
    blp,
    INBOUND_FORM,
    200,
    {"type": "string", "example": EMPTY_TWIML},
    content_type="text/xml",
    description="Stored (or held on the bus); empty TwiML, as acknowledgements go through "
    "the sender",
)
def inbound(form: dict[str, Any]) -> Response:
    new_uow = uow_factory()
    intents: list[str | None] = []
    failed = stored_or_held(INBOUND, lambda: intents.append(store_inbound(new_uow, form)))
    if failed is not None:
        return failed
    intent = (intents[0] or "duplicate") if intents else "held"
    log.info("sms_received", message_sid=form["MessageSid"], intent=intent)
    # Acknowledgements go through the sender (rate limits, windows), not as TwiML.
    return Response(EMPTY_TWIML, mimetype="text/xml")

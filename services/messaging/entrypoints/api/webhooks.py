"""Twilio's status callbacks and inbound texts: signature first, stored before the 2xx."""

from __future__ import annotations

import hmac
import uuid
from collections.abc import Callable, Sequence
from functools import lru_cache, wraps
from typing import Any

from flask import Response, current_app, request
from flask_smorest import Blueprint
from twilio.request_validator import RequestValidator

from services.messaging.entrypoints.api.schemas import InboundForm, StatusCallbackForm
from services.messaging.service_layer import replies
from services.messaging.service_layer.statuses import StatusCallback, store_statuses
from services.messaging.service_layer.unit_of_work import MessagingUnitOfWork
from shared.db.group_commit import GroupCommit
from shared.http.app import runtime, settings, unit_of_work
from shared.http.problems import problem
from shared.logs import get_logger

log = get_logger(__name__)
blp = Blueprint("webhooks", __name__, url_prefix="/webhooks/twilio", description="Twilio webhooks")
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
STATUS_WRITER = "messaging.status_callbacks"
# A group waits this long after its first callback for those arriving with it: groups about
# twice as big, and 8% more callbacks a second on two cores (bench/README.md, webhooks).
GATHER = 0.001
# Instances, not classes: webargs would build a schema per request on the hottest route.
STATUS_FORM, INBOUND_FORM = StatusCallbackForm(), InboundForm()


def twilio_signed(view: Callable[..., Any]) -> Callable[..., Any]:
    """403 unless X-Twilio-Signature matches the public URL Twilio called, and the form."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        config = settings()
        # Behind a proxy the URL Twilio signed is the public one, not the one we see.
        url = config.public_base_url + request.full_path.rstrip("?")
        signature = request.headers.get("X-Twilio-Signature", "")
        if not signature or not _signed(config.twilio.auth_token, url, signature):
            log.warning("webhook_bad_signature", path=request.path)
            return problem(403, "Forbidden", "The X-Twilio-Signature header does not match.")
        return view(*args, **kwargs)

    return wrapper


def _signed(token: str, url: str, signature: str) -> bool:
    """Twilio signs the URL it called: try that one first (one HMAC), then the library's
    full check, which also tries the URL with and without its port."""
    validator = _validator(token)
    params = request.form.to_dict()
    expected = validator.compute_signature(url, params)
    # As bytes: compare_digest refuses str with non-ASCII characters, which anyone can send.
    matches = hmac.compare_digest(expected.encode(), signature.encode())
    return matches or validator.validate(url, params, signature)


@lru_cache(maxsize=4)
def _validator(token: str) -> RequestValidator:
    return RequestValidator(token)


@blp.post("/status/<uuid:message_id>")
@blp.doc(security=[])
@twilio_signed
@blp.arguments(STATUS_FORM, location="form")
@blp.response(204, description="Stored (then applied, only if it moves the message forward)")
def status_callback(form: dict[str, Any], message_id: uuid.UUID) -> Response:
    callback = StatusCallback(
        message_id, form["MessageSid"], form["MessageStatus"], form["ErrorCode"]
    )
    status_writer().submit(callback)  # returns once committed: stored before answering
    return Response(status=204)


def status_writer() -> GroupCommit[StatusCallback, None]:
    """This process's one writer of status callbacks (they arrive in bursts)."""
    writer: GroupCommit[StatusCallback, None] | None = current_app.extensions.get(STATUS_WRITER)
    if writer is None:
        new_uow: Callable[[], MessagingUnitOfWork] = runtime().uow_factory  # type: ignore[assignment]

        def store(group: Sequence[StatusCallback]) -> list[None]:
            store_statuses(new_uow(), group)
            return [None] * len(group)

        made = GroupCommit(store, name="status-callbacks", gather=GATHER)
        writer = current_app.extensions.setdefault(STATUS_WRITER, made)
    return writer


@blp.post("/inbound")
@blp.doc(security=[])
@twilio_signed
@blp.arguments(INBOUND_FORM, location="form")
@blp.response(
    200,
    {"type": "string", "example": EMPTY_TWIML},
    content_type="text/xml",
    description="Stored; empty TwiML, as acknowledgements go through the sender",
)
def inbound(form: dict[str, Any]) -> Response:
    sms = replies.InboundSms(form["MessageSid"], form["From"], form["To"], form["Body"])
    intent = replies.receive(unit_of_work(), sms)
    log.info("sms_received", message_sid=form["MessageSid"], intent=intent or "duplicate")
    # Acknowledgements go through the sender (rate limits, windows), not as TwiML.
    return Response(EMPTY_TWIML, mimetype="text/xml")

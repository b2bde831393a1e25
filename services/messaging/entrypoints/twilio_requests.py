"""What a Twilio webhook request is once it passed its cheap checks: signed for one of our
URLs, then stored the same way whether it comes straight from Twilio or, after a database
outage, from the bus where the webhook held it (decision 16)."""

from __future__ import annotations

import hmac
import uuid
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any

from sqlalchemy.exc import IntegrityError
from twilio.request_validator import RequestValidator

from services.messaging.config import MessagingSettings
from services.messaging.service_layer import reconciliation, replies
from services.messaging.service_layer.statuses import StatusCallback
from services.messaging.service_layer.unit_of_work import MessagingUnitOfWork

INBOUND, STATUS, CALL_STATUS = "inbound", "status", "call-status"
CALL_GATHER = "call-gather"  # a key press (or words) on a call: a reply
CALL_ANSWERED = "call-answered"  # answered while the database was away: nothing played


def signed_for_us(
    settings: MessagingSettings, path: str, params: Mapping[str, str], signature: str
) -> bool:
    """Twilio signs the URL it called: the public one, or the fallback URL it calls when the
    first fails. Behind a proxy neither is the URL the app sees, so we rebuild them."""
    token = settings.twilio.auth_token
    return any(
        base and _signed(token, base + path, params, signature)
        for base in (settings.public_base_url, settings.fallback_base_url)
    )


def _signed(token: str, url: str, params: Mapping[str, str], signature: str) -> bool:
    """The URL as called first (one HMAC), then the library's full check, which also tries
    the URL with and without its port."""
    validator = _validator(token)
    expected = validator.compute_signature(url, dict(params))
    # As bytes: compare_digest refuses str with non-ASCII characters, which anyone can send.
    matches = hmac.compare_digest(expected.encode(), signature.encode())
    return matches or bool(validator.validate(url, dict(params), signature))


@lru_cache(maxsize=4)
def _validator(token: str) -> RequestValidator:
    return RequestValidator(token)


def is_duplicate(error: Exception) -> bool:
    """A unique key clash: the same MessageSid stored meanwhile by a concurrent delivery."""
    return isinstance(error, IntegrityError)


def inbound_sms(form: Mapping[str, Any]) -> replies.InboundSms:
    return replies.InboundSms.of(form["MessageSid"], form["From"], form["To"], form["Body"])


def store_inbound(
    new_uow: Callable[[], MessagingUnitOfWork], form: Mapping[str, Any]
) -> str | None:
    """Store and act on a reply once; None when this MessageSid was handled before."""
    return reconciliation.store_reply(new_uow, inbound_sms(form), is_duplicate)


def status_callback(message_id: uuid.UUID, form: Mapping[str, Any]) -> StatusCallback:
    return StatusCallback(message_id, form["MessageSid"], form["MessageStatus"], form["ErrorCode"])


def call_status_callback(message_id: uuid.UUID, form: Mapping[str, Any]) -> StatusCallback:
    """A call's status callback (decision 27), stored like a text's."""
    return StatusCallback(message_id, form["CallSid"], form["CallStatus"], form["ErrorCode"])


def call_message_id(path: str) -> uuid.UUID:
    """The message id in /webhooks/twilio/calls/<id>/status."""
    return uuid.UUID(path.split("?")[0].rstrip("/").rsplit("/", 2)[-2])


def status_message_id(path: str) -> uuid.UUID:
    """The message id in /webhooks/twilio/status/<id>, the URL we gave Twilio."""
    return uuid.UUID(path.split("?")[0].rstrip("/").rsplit("/", 1)[-1])

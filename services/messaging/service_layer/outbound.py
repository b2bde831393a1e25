"""Queueing a message: the one place that applies the STOP list and loop protection."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any, Protocol

from services.messaging.domain.model import Message
from services.messaging.service_layer.unit_of_work import MessagingUnitOfWork

# The same text to the same number this often within the hour is a loop (an auto-reply
# answering our acknowledgement, a batch requested twice): the next one is not sent.
LOOP_LIMIT = 3
LOOP_PERIOD = timedelta(hours=1)


def queue_message(uow: MessagingUnitOfWork, message: Message, *, bypass_stop: bool = False) -> None:
    """Add a message; a suppressed number gets nothing (bar the one STOP confirmation)."""
    repeats = uow.messaging.same_text_count(
        message.to, message.body, message.created_at - LOOP_PERIOD
    )
    uow.messaging.add(message)
    if not bypass_stop and uow.messaging.suppression(message.to) is not None:
        message.move_to("suppressed", "the number replied STOP")
        publish_status(uow, message)
    elif repeats >= LOOP_LIMIT:
        message.status = "failed"
        message.error = f"loop protection: the same text went to this number {repeats} times"
        publish_status(uow, message)


STATUS_CHANGED = "messaging.message.status_changed"


class MessageFields(Protocol):
    """A message as an ORM object or as a row read for sending: what its event carries."""

    id: uuid.UUID
    participant_id: uuid.UUID
    trial_id: uuid.UUID | None
    batch_id: uuid.UUID | None
    kind: str
    status: str
    error: str | None


def status_payload(message: MessageFields, status: str | None = None) -> dict[str, Any]:
    """The status event's data, as the message stands now (or with the `status` it is moving
    to, where the row itself is updated in bulk)."""
    return {
        "message_id": message.id,
        "participant_id": message.participant_id,
        "trial_id": message.trial_id,
        "batch_id": message.batch_id,
        "kind": message.kind,
        "status": status or message.status,
        "reason": message.error,
    }


def publish_status(uow: MessagingUnitOfWork, message: Message) -> None:
    uow.publish(STATUS_CHANGED, status_payload(message))

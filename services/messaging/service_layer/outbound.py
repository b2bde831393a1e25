"""Queueing texts, one or a chunk at once: every one passes the STOP list and loop protection
(domain/screening.py) here."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any, Protocol

from services.messaging.domain.model import Message
from services.messaging.domain.screening import LOOP_PERIOD, screen, text_key
from services.messaging.service_layer.unit_of_work import MessagingUnitOfWork


def queue_message(uow: MessagingUnitOfWork, message: Message, *, bypass_stop: bool = False) -> None:
    """Add a message; a suppressed number gets nothing (bar the one STOP confirmation)."""
    repeats = uow.messages.same_text_count(
        message.to, message.body, message.created_at - LOOP_PERIOD
    )
    uow.messages.add(message)
    suppressed = not bypass_stop and uow.suppressions.suppression(message.to) is not None
    for stopped in screen(
        [message], {message.to} if suppressed else (), {text_key(message): repeats}
    ):
        publish_status(uow, stopped)


def queue_messages(uow: MessagingUnitOfWork, messages: Sequence[Message]) -> None:
    """Add many messages under the same rules as `queue_message`, as if added one by one
    (without its STOP bypass), in a fixed number of statements: one count of earlier texts,
    one lookup of the STOP list, one insert and one for the stopped ones' status events.
    Earlier texts are counted from the first message's period: give messages queued
    together one `created_at` for the exact window."""
    if not messages:
        return
    since = min(m.created_at for m in messages) - LOOP_PERIOD
    earlier = uow.messages.same_text_counts({text_key(m) for m in messages}, since)
    suppressed = uow.suppressions.suppressed_among([m.to for m in messages])
    stopped = screen(messages, suppressed, earlier)
    uow.messages.add_messages(messages)
    uow.publish_many(STATUS_CHANGED, [status_payload(m) for m in stopped])


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
    channel: str


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
        "channel": message.channel,
    }


def publish_status(uow: MessagingUnitOfWork, message: Message) -> None:
    uow.publish(STATUS_CHANGED, status_payload(message))

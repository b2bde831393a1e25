"""Queueing a message: the one place that applies the suppression list."""

from __future__ import annotations

from services.messaging.domain.model import Message
from services.messaging.service_layer.unit_of_work import MessagingUnitOfWork


def queue_message(uow: MessagingUnitOfWork, message: Message, *, bypass_stop: bool = False) -> None:
    """Add a message; a suppressed number gets nothing (bar the one STOP confirmation)."""
    uow.messaging.add(message)
    if not bypass_stop and uow.messaging.suppression(message.to) is not None:
        message.move_to("suppressed", "the number replied STOP")
        publish_status(uow, message)


def publish_status(uow: MessagingUnitOfWork, message: Message) -> None:
    uow.publish(
        "messaging.message.status_changed",
        {
            "message_id": message.id,
            "participant_id": message.participant_id,
            "trial_id": message.trial_id,
            "batch_id": message.batch_id,
            "kind": message.kind,
            "status": message.status,
            "reason": message.error,
        },
    )

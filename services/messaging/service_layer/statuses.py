"""Status callbacks from the provider: recorded always, applied only when they move forward."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from services.messaging.service_layer.outbound import STATUS_CHANGED, status_payload
from services.messaging.service_layer.unit_of_work import MessagingUnitOfWork

# Provider statuses onto ours. Twilio also says "sending" while it works; we are past that.
PROVIDER_STATUS = {
    "queued": "accepted",
    "accepted": "accepted",
    "scheduled": "accepted",
    "sending": "accepted",
    "sent": "sent",
    "delivered": "delivered",
    "read": "delivered",
    "undelivered": "undelivered",
    "failed": "failed",
}


@dataclass(frozen=True)
class StatusCallback:
    message_id: uuid.UUID
    provider_sid: str | None
    provider_status: str
    error_code: str | None


def record_statuses(uow: MessagingUnitOfWork, callbacks: Sequence[StatusCallback]) -> list[bool]:
    """Record callbacks in one transaction, in the order given; returns whether each moved
    its message. Unknown or stale callbacks are kept, not applied."""
    applied_each: list[bool] = []
    moved: list[dict[str, Any]] = []
    with uow:
        # Locked in id order, so two processes writing overlapping groups cannot deadlock.
        found = uow.messaging.messages_by_id(
            sorted({c.message_id for c in callbacks}), lock=uow.row_locks
        )
        for callback in callbacks:
            message = found.get(callback.message_id)
            status = PROVIDER_STATUS.get(callback.provider_status)
            applied = False
            if message is not None and status is not None:
                if message.provider_sid is None and callback.provider_sid:
                    message.provider_sid = callback.provider_sid  # it beat our own record
                reason = f"provider error {callback.error_code}" if callback.error_code else None
                applied = message.move_to(status, reason)
                if applied:
                    moved.append(status_payload(message))
            applied_each.append(applied)
        uow.messaging.record_status_events(
            [
                (c.message_id, c.provider_sid, c.provider_status, c.error_code, applied)
                for c, applied in zip(callbacks, applied_each, strict=True)
            ]
        )
        uow.publish_many(STATUS_CHANGED, moved)
        uow.commit()
    return applied_each

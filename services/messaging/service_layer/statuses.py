"""Status callbacks from the provider: recorded always, applied only when they move forward."""

from __future__ import annotations

import uuid

from services.messaging.service_layer.outbound import publish_status
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


def record_status(
    uow: MessagingUnitOfWork,
    message_id: uuid.UUID,
    provider_sid: str | None,
    provider_status: str,
    error_code: str | None,
) -> bool:
    """Returns whether the message moved. Unknown or stale callbacks are kept, not applied."""
    status = PROVIDER_STATUS.get(provider_status)
    with uow:
        message = uow.messaging.message(message_id, lock=uow.row_locks)
        applied = False
        if message is not None and status is not None:
            if message.provider_sid is None and provider_sid:
                message.provider_sid = provider_sid  # the callback beat our own record
            reason = f"provider error {error_code}" if error_code else None
            applied = message.move_to(status, reason)
            if applied:
                publish_status(uow, message)
        uow.messaging.record_status_event(
            message_id, provider_sid, provider_status, error_code, applied
        )
        uow.commit()
    return applied

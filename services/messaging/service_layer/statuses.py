"""Status callbacks from the provider: stored as they arrive, then applied in batches, each
only when it moves its message forward."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from services.messaging.domain.model import FINAL, moves_forward
from services.messaging.domain.voice import VOICE
from services.messaging.service_layer import call_retries
from services.messaging.service_layer.outbound import STATUS_CHANGED, status_payload
from services.messaging.service_layer.unit_of_work import MessagingUnitOfWork
from shared import clock

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
    # A call's (decision 27); "queued" and "failed" are shared with texts.
    "initiated": "accepted",
    "ringing": "ringing",
    "in-progress": "in-progress",
    "answered": "in-progress",
    "completed": "completed",
    "no-answer": "no-answer",
    "busy": "busy",
    "canceled": "cancelled",
}


@dataclass(frozen=True)
class StatusCallback:
    message_id: uuid.UUID
    provider_sid: str | None
    provider_status: str
    error_code: str | None


@dataclass
class _Tracked:
    """A message as the group has left it so far (a group may hold several of its callbacks)."""

    id: uuid.UUID
    participant_id: uuid.UUID
    trial_id: uuid.UUID | None
    batch_id: uuid.UUID | None
    kind: str
    status: str
    error: str | None
    provider_sid: str | None
    channel: str
    changed: bool = False


def store_statuses(uow: MessagingUnitOfWork, callbacks: Sequence[StatusCallback]) -> None:
    """Store callbacks as received, in one transaction; `apply_stored` applies them after.

    This is all the webhook does before its 204 (decision 14): one insert per group."""
    with uow:
        uow.one_statement()
        uow.statuses.store_status_events(
            [(c.message_id, c.provider_sid, c.provider_status, c.error_code) for c in callbacks]
        )
        uow.commit()


def apply_stored(uow: MessagingUnitOfWork, limit: int = 500, only: int | None = None) -> int:
    """Apply up to `limit` stored callbacks, oldest first (or just the one whose id is
    `only`), in one transaction; returns how many were taken. Each is marked applied or
    not (unknown message, or not forward).

    Several appliers may run: each takes callbacks no other holds (SKIP LOCKED), and the
    forward-only rule makes the order between them irrelevant."""
    with uow:
        stored = uow.statuses.pending_status_events(limit, lock=uow.row_locks, only=only)
        if not stored:
            return 0
        applied = _apply(
            uow,
            [StatusCallback(r.message_id, r.provider_sid, r.status, r.error_code) for r in stored],
        )
        uow.statuses.mark_status_events(
            [{"id": r.id, "applied": a} for r, a in zip(stored, applied, strict=True)]
        )
        uow.commit()
    return len(stored)


def stored_ids(uow: MessagingUnitOfWork, limit: int) -> list[int]:
    """The ids of the oldest callbacks not yet applied."""
    with uow:
        return [r.id for r in uow.statuses.pending_status_events(limit, lock=False)]


def set_aside(uow: MessagingUnitOfWork, event_id: int) -> None:
    """Mark a callback that fails every time it is applied as not applied, so the ones
    after it go on; it stays stored, with its id in the log."""
    with uow:
        uow.statuses.mark_status_events([{"id": event_id, "applied": False}])
        uow.commit()


def _apply(uow: MessagingUnitOfWork, callbacks: Sequence[StatusCallback]) -> list[bool]:
    """Apply callbacks in the order given; returns whether each moved its message.

    Rows, not mapped objects, and a fixed number of statements whatever the count."""
    applied_each: list[bool] = []
    moved: list[dict[str, Any]] = []
    # status_rows locks in id order itself; the ids need no sorting here.
    rows = uow.statuses.status_rows(list({c.message_id for c in callbacks}), lock=uow.row_locks)
    tracked = {row_id: _Tracked(**row._asdict()) for row_id, row in rows.items()}
    for callback in callbacks:
        message = tracked.get(callback.message_id)
        status = PROVIDER_STATUS.get(callback.provider_status)
        applied = False
        if message is not None and status is not None:
            if message.provider_sid is None and callback.provider_sid:
                message.provider_sid = callback.provider_sid  # it beat our own record
                message.changed = True
            if moves_forward(message.status, status):
                message.status, message.changed, applied = status, True, True
                if callback.error_code:
                    message.error = f"provider error {callback.error_code}"
                moved.append(status_payload(message))
        applied_each.append(applied)
    uow.statuses.set_statuses(
        [
            {"id": m.id, "status": m.status, "error": m.error, "provider_sid": m.provider_sid}
            for m in tracked.values()
            if m.changed
        ],
        clock.now(),
    )
    uow.publish_many(STATUS_CHANGED, moved)
    # A call nobody answered (or a machine did) is rung again, per its trial (decision 27).
    ended = [
        m.id for m in tracked.values() if m.changed and m.channel == VOICE and m.status in FINAL
    ]
    if ended:
        call_retries.ring_again(uow, ended)
    return applied_each

"""Invitation batches: what staff asked the registry for, held until someone approves it.

draft -> approved (sending now, or at `send_at`) <-> paused; draft/approved/paused ->
cancelled. The messages carry their own progress; a batch only says whether they may go.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

from shared import clock
from shared.errors import Conflict, InvalidTransition


def aware(when: datetime) -> datetime:
    """SQLite hands back naive datetimes; every time here is UTC."""
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


MOVES = {
    "approve": ({"draft"}, "approved"),
    "pause": ({"approved"}, "paused"),
    "resume": ({"paused"}, "approved"),
    "cancel": ({"draft", "approved", "paused"}, "cancelled"),
}


@dataclass
class Batch:
    id: uuid.UUID  # the registry's batch id
    trial_id: uuid.UUID
    practice_ods: str
    chunks: int
    chunks_received: int = 0
    status: str = "draft"
    send_at: datetime | None = None
    approved_by: str | None = None
    approved_at: datetime | None = None
    allow_unreviewed: bool = False
    reminder_queued_at: datetime | None = None
    created_at: datetime = field(default_factory=lambda: clock.now())
    updated_at: datetime = field(default_factory=lambda: clock.now())

    @property
    def complete(self) -> bool:
        return self.chunks_received >= self.chunks

    def move(self, action: str) -> None:
        allowed, to = MOVES[action]
        if self.status not in allowed:
            raise InvalidTransition(f"a {self.status} batch cannot {action}")
        if action == "approve" and not self.complete:
            raise Conflict(
                f"only {self.chunks_received} of {self.chunks} parts of this batch have "
                "arrived; try again in a moment"
            )
        self.status = to
        self.updated_at = clock.now()

    def display_status(self, at: datetime) -> str:
        if self.status == "approved" and self.send_at is not None and aware(self.send_at) > at:
            return "scheduled"
        return self.status

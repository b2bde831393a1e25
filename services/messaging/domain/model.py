"""Contacts, messages and their status, inbound replies, and the suppression list."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from shared.errors import InvalidTransition


def now() -> datetime:
    return datetime.now(UTC)


# Where each status sits: a status callback may only move a message forward.
# "accepted" means the provider took it; the provider then reports sent and delivered.
STATUS_RANK = {
    "held": -1,  # in a batch nobody has approved yet, or one that is paused
    "queued": 0,
    "sending": 1,
    "accepted": 2,
    "sent": 3,
    "delivered": 4,
    "undelivered": 4,
    "failed": 4,
    "suppressed": 4,
    "cancelled": 4,
}
FINAL = frozenset({"delivered", "undelivered", "failed", "suppressed", "cancelled"})


def moves_forward(current: str, new: str) -> bool:
    """Whether `new` is later than `current`: statuses only go forward, and a final one stays
    (callbacks and the provider's own answer can arrive in any order)."""
    return current not in FINAL and STATUS_RANK[new] > STATUS_RANK[current]


# Replies and acknowledgements go ahead of bulk invitations.
PRIORITY_REPLY, PRIORITY_NOTIFICATION, PRIORITY_BULK = 0, 1, 2


@dataclass
class Contact:
    participant_id: uuid.UUID
    practice_ods: str
    mobile: str | None
    textable: bool
    language: str
    erased: bool = False
    updated_at: datetime = field(default_factory=now)


@dataclass
class Message:
    participant_id: uuid.UUID
    to: str
    body: str
    kind: str
    priority: int
    trial_id: uuid.UUID | None = None
    batch_id: uuid.UUID | None = None
    status: str = "queued"
    provider_sid: str | None = None
    error: str | None = None
    attempts: int = 0
    attempt_started_at: datetime | None = None
    sender_id: uuid.UUID | None = None  # whose call the attempt is (a sender's lease)
    outcome_unknown_at: datetime | None = None  # the call ended without a known outcome
    not_before: datetime | None = None
    language: str | None = None  # the language of the template used
    template_id: uuid.UUID | None = None
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    created_at: datetime = field(default_factory=now)
    updated_at: datetime = field(default_factory=now)

    def move_to(self, status: str, error: str | None = None) -> bool:
        """Apply a status if it moves the message forward; returns whether it did."""
        if status not in STATUS_RANK:
            raise InvalidTransition(f"unknown message status {status!r}")
        if not moves_forward(self.status, status):
            return False
        self.status = status
        self.error = error if error is not None else self.error
        self.updated_at = now()
        return True

    def start_attempt(self) -> None:
        """Record the attempt before calling the provider, so a crash leaves a trace."""
        self.move_to("sending")
        self.attempts += 1
        self.attempt_started_at = now()

    def back_to_queue(self, delay: timedelta = timedelta(0)) -> None:
        """A retryable failure, or a reconciled attempt that never reached the provider."""
        self.status = "queued"
        self.updated_at = now()
        self.not_before = self.updated_at + delay

    def retry_delay(self) -> timedelta:
        """Back off 2, 4, 8 ... seconds, at most five minutes, as the provider asks us to."""
        return timedelta(seconds=min(2**self.attempts, 300))


@dataclass
class InboundMessage:
    provider_sid: str
    from_number: str
    to_number: str
    body: str
    participant_id: uuid.UUID | None = None
    trial_id: uuid.UUID | None = None
    intent: str | None = None
    language: str | None = None
    reviewed_intent: str | None = None  # what staff decided an unclear reply meant
    reviewed_by: str | None = None
    reviewed_at: datetime | None = None
    # "Call back" until the channels issue brings callback tasks: a flag and a note.
    callback_requested: bool = False
    callback_note: str | None = None
    callback_by: str | None = None
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    received_at: datetime = field(default_factory=now)

    @property
    def meaning(self) -> str | None:
        return self.reviewed_intent or self.intent


@dataclass
class Suppression:
    mobile: str
    reason: str
    created_at: datetime = field(default_factory=now)
    # Whose STOP it was, where a reply or a failed text says so: staff of another practice
    # may never have it lifted.
    participant_id: uuid.UUID | None = None
    practice_ods: str | None = None

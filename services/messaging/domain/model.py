"""Contacts, messages and their status, inbound replies, and the suppression list."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from shared import clock
from shared.errors import InvalidTransition

# Where each status sits: a status callback may only move a message forward.
# "accepted" means the provider took it; the provider then reports sent and delivered.
# A call (decision 27) rings, is answered (in-progress), then ends: completed, no-answer or
# busy; the ranks between sent and final are a call's.
STATUS_RANK = {
    "held": -1,  # in a batch nobody has approved yet, or one that is paused
    "queued": 0,
    "sending": 1,
    "accepted": 2,
    "sent": 3,
    "ringing": 3,
    "in-progress": 3.5,
    "delivered": 4,
    "undelivered": 4,
    "failed": 4,
    "suppressed": 4,
    "cancelled": 4,
    "completed": 4,
    "no-answer": 4,
    "busy": 4,
}
FINAL = frozenset(
    {
        "delivered",
        "undelivered",
        "failed",
        "suppressed",
        "cancelled",
        "completed",
        "no-answer",
        "busy",
    }
)


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
    preferred_channel: str | None = None  # sms, whatsapp, voice or letter, from the registry
    updated_at: datetime = field(default_factory=lambda: clock.now())
    # A letter can reach them (the registry holds their address; messaging never does) and
    # whether in large print (decision 0029).
    postal: bool = False
    large_print: bool = False


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
    channel: str = "sms"  # sms, whatsapp, voice or letter (design: Channels)
    answered_by: str | None = None  # a call: Twilio's AnsweredBy (human, machine_start ...)
    content_sid: str | None = None  # a WhatsApp content template (domain/whatsapp.py)
    content_variables: str | None = None  # its variables, as Twilio's JSON
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    created_at: datetime = field(default_factory=lambda: clock.now())
    updated_at: datetime = field(default_factory=lambda: clock.now())

    def move_to(self, status: str, error: str | None = None) -> bool:
        """Apply a status if it moves the message forward; returns whether it did."""
        if status not in STATUS_RANK:
            raise InvalidTransition(f"unknown message status {status!r}")
        if not moves_forward(self.status, status):
            return False
        self.status = status
        self.error = error if error is not None else self.error
        self.updated_at = clock.now()
        return True

    def start_attempt(self) -> None:
        """Record the attempt before calling the provider, so a crash leaves a trace."""
        self.move_to("sending")
        self.attempts += 1
        self.attempt_started_at = clock.now()

    def back_to_queue(self, delay: timedelta = timedelta(0)) -> None:
        """A retryable failure, or a reconciled attempt that never reached the provider."""
        self.status = "queued"
        self.updated_at = clock.now()
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
    channel: str = "sms"  # a key press on a call is a reply too
    reviewed_intent: str | None = None  # what staff decided an unclear reply meant
    reviewed_by: str | None = None
    reviewed_at: datetime | None = None
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    received_at: datetime = field(default_factory=lambda: clock.now())

    @property
    def meaning(self) -> str | None:
        return self.reviewed_intent or self.intent


@dataclass
class Suppression:
    mobile: str
    reason: str
    created_at: datetime = field(default_factory=lambda: clock.now())
    # Whose STOP it was, where a reply or a failed text says so: staff of another practice
    # may never have it lifted.
    participant_id: uuid.UUID | None = None
    practice_ods: str | None = None

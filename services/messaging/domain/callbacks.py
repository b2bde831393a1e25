"""Callback tasks: a patient asked for a person to ring them (CALL ME on any channel, the
consent page's button, or staff reading an unclear reply as such). Pure: no framework.

One open task per patient and trial: a second request adds to the open one. A task is
assigned to a person, then closed with an outcome; how long the patient waited is from
the first request to the close.
"""

from __future__ import annotations

import statistics
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from services.messaging.domain import replies
from shared import clock, languages
from shared.errors import InvalidInput, InvalidTransition

# Where a request came from: a reply's channel, the consent page's button, or the review
# inbox (staff read an unclear reply as "call me").
SOURCES = ("sms", "whatsapp", "voice", "letter", "consent_page", "review_inbox")
OUTCOMES = ("reached_interested", "consented_by_phone", "declined", "no_answer", "wrong_number")
STATES = ("unassigned", "assigned", "closed")
NOTE_LENGTH = 500


CALL_WORDS = frozenset({"call", "call me", "callback", "call back", "please call me", "phone me"})


def asks_for_a_call(body: str) -> bool:
    """CALL, as the "we did not understand" text offers: a request for a call back."""
    words = replies.normalise(body).strip(" .!?\n\t")
    return " ".join(words.split()) in CALL_WORDS


def needs_interpreter(language: str | None, asked: bool = False) -> bool:
    """Whether the caller should bring an interpreter: the patient (or the page) said so, or
    their language is spoken only (Sylheti, Pahari-Pothwari) or has none of our texts, so
    what they read reached them in another language (shared.languages)."""
    if asked:
        return True
    return language is not None and languages.interpreter_may_be_needed(language)


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@dataclass
class CallbackTask:
    participant_id: uuid.UUID
    practice_ods: str
    trial_id: uuid.UUID | None
    language: str
    interpreter_needed: bool
    sources: str  # comma-separated SOURCES, in the order the requests came
    requests: int = 1
    reply_id: uuid.UUID | None = None  # the reply that first asked, where one did
    request_note: str | None = None  # what staff wrote when they made it a callback
    assigned_to: str | None = None
    assigned_by: str | None = None
    assigned_at: datetime | None = None
    outcome: str | None = None
    outcome_note: str | None = None
    closed_by: str | None = None
    closed_at: datetime | None = None
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    opened_at: datetime = field(default_factory=lambda: clock.now())
    last_requested_at: datetime = field(default_factory=lambda: clock.now())

    @classmethod
    def open(
        cls,
        participant_id: uuid.UUID,
        practice_ods: str,
        trial_id: uuid.UUID | None,
        language: str,
        source: str,
        *,
        interpreter: bool = False,
        reply_id: uuid.UUID | None = None,
        note: str | None = None,
        at: datetime | None = None,
    ) -> CallbackTask:
        _check_source(source)
        moment = at or clock.now()
        return cls(
            participant_id=participant_id,
            practice_ods=practice_ods,
            trial_id=trial_id,
            language=language,
            interpreter_needed=needs_interpreter(language, interpreter),
            sources=source,
            reply_id=reply_id,
            request_note=_note(note),
            opened_at=moment,
            last_requested_at=moment,
        )

    @property
    def state(self) -> str:
        if self.closed_at is not None:
            return "closed"
        return "assigned" if self.assigned_to else "unassigned"

    @property
    def source_list(self) -> list[str]:
        return [s for s in self.sources.split(",") if s]

    def asked_again(
        self,
        source: str,
        *,
        interpreter: bool = False,
        note: str | None = None,
        at: datetime | None = None,
    ) -> None:
        """Another request for the same patient and trial while this one is open: it adds
        to this task (never a second one), keeping its place in the queue."""
        _check_source(source)
        if self.closed_at is not None:
            raise InvalidTransition("this callback is closed; a new request opens a new one")
        self.requests += 1
        self.last_requested_at = at or clock.now()
        if source not in self.source_list:
            self.sources = f"{self.sources},{source}"
        self.interpreter_needed = self.interpreter_needed or interpreter
        extra = _note(note)
        if extra:
            joined = f"{self.request_note}\n{extra}" if self.request_note else extra
            self.request_note = joined[:NOTE_LENGTH]

    def assign(self, to: str, by: str, at: datetime | None = None) -> None:
        if self.closed_at is not None:
            raise InvalidTransition("this callback is closed")
        name = to.strip()
        if not name:
            raise InvalidInput.for_field("assign_to", "Enter who will make the call")
        self.assigned_to, self.assigned_by, self.assigned_at = name[:200], by, at or clock.now()

    def close(
        self, outcome: str, by: str, note: str | None = None, at: datetime | None = None
    ) -> None:
        if outcome not in OUTCOMES:
            raise InvalidInput.for_field("outcome", f"Choose one of {', '.join(OUTCOMES)}")
        if self.closed_at is not None:
            raise InvalidTransition(f"this callback was already closed ({self.outcome})")
        self.outcome, self.outcome_note, self.closed_by = outcome, _note(note), by
        self.closed_at = at or clock.now()
        if self.assigned_to is None:  # whoever records the outcome made the call
            self.assigned_to, self.assigned_by, self.assigned_at = by, by, self.closed_at

    def waited(self, until: datetime | None = None) -> timedelta:
        """From the first request to the close (or to `until` while open)."""
        end = self.closed_at or until or clock.now()
        return _utc(end) - _utc(self.opened_at)


def _check_source(source: str) -> None:
    if source not in SOURCES:
        raise InvalidInput.for_field("source", f"must be one of {', '.join(SOURCES)}")


def _note(note: str | None) -> str | None:
    text = (note or "").strip()
    if len(text) > NOTE_LENGTH:
        raise InvalidInput.for_field("note", f"Note must be {NOTE_LENGTH} characters or fewer")
    return text or None


@dataclass(frozen=True)
class WaitingSummary:
    closed: int
    median: timedelta | None
    longest: timedelta | None


def waiting_summary(tasks: Iterable[CallbackTask]) -> WaitingSummary:
    """How long patients waited for closed callbacks: the median and the longest."""
    waits = sorted(t.waited() for t in tasks if t.closed_at is not None)
    if not waits:
        return WaitingSummary(0, None, None)
    seconds = statistics.median(w.total_seconds() for w in waits)
    return WaitingSummary(len(waits), timedelta(seconds=seconds), waits[-1])

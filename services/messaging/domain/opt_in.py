"""Who may ask for a stopped number to be texted again, and which conversation a reply
belongs to. A STOP belongs to the number, whichever practice registered it: only the
number's own START lifts it. Staff may ask on behalf of their own patient, whose own STOP it
was; that sends one text asking the patient to reply START (decision 20)."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from shared import clock

# One confirmation text per number in this period, however often staff ask.
ASK_AGAIN_AFTER = timedelta(days=7)
# Outbound statuses that mean the text reached (or may have reached) the phone.
# A call counts once it rings (decision 27): its key presses are replies.
HANDED_ON = frozenset(
    {"sending", "accepted", "sent", "delivered", "ringing", "in-progress", "completed"}
)
# Texts a reply may answer: a conversation starts with one of these.
OPENERS = frozenset({"invitation", "reminder"})


@dataclass
class OptInRequest:
    """Staff recorded a patient's spoken wish to be texted again: kept as the audit of who
    asked, and confirmed only when the number itself texts START."""

    mobile: str
    participant_id: uuid.UUID
    practice_ods: str
    requested_by: str
    note: str | None = None
    message_id: uuid.UUID | None = None
    confirmed_at: datetime | None = None
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    requested_at: datetime = field(default_factory=lambda: clock.now())


def staff_may_ask(
    practice: str, stopped_by_practice: str | None, practices_with_number: Collection[str]
) -> bool:
    """Only when every patient with this number is the practice's own, and the STOP was not
    made by a patient of another practice (a decoy registered with someone else's mobile
    must not reach that person)."""
    return set(practices_with_number) == {practice} and stopped_by_practice in (None, practice)


def may_ask_again(earlier: Iterable[OptInRequest], at: datetime | None = None) -> bool:
    at = at or clock.now()
    return all(
        r.confirmed_at is not None or _aware(r.requested_at) + ASK_AGAIN_AFTER <= at
        for r in earlier
    )


def _aware(moment: datetime) -> datetime:
    # SQLite gives naive datetimes back; every time stored here is UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)

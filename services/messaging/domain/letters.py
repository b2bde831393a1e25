"""Letters: an invitation on paper for a patient without a mobile (or who asked for post).

A letter is a message with channel "letter" (its status follows the batch: held until staff
approve, then queued while consent makes its link and one-time code and while it waits to be
printed, accepted once printed or handed to the print provider, sent once posted) and a row
here with what only a letter has. The address is never kept here: messaging asks the registry
for it when it renders the letter (decision 0029).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from shared import clock

LETTER = "letter"
TO_POST = "post"  # a letter's `to`: never a number, so no SMS rule mistakes it for one

# A letter's life in its message's statuses (domain/model.py STATUS_RANK).
READY, PRINTED, POSTED = "queued", "accepted", "sent"


class Reachable(Protocol):
    mobile: str | None
    textable: bool
    postal: bool
    erased: bool


def wants_letter(contact: Reachable) -> bool:
    """A letter goes where a text cannot, and only to a known address."""
    return not contact.erased and contact.postal and not (contact.mobile and contact.textable)


@dataclass
class Letter:
    message_id: uuid.UUID
    batch_id: uuid.UUID
    participant_id: uuid.UUID
    trial_id: uuid.UUID
    language: str  # the patient's language (the words may fall back: domain/letter_layout.py)
    large_print: bool = False
    link: str | None = None  # the consent page, with the letter's one-time code behind it
    short_link: str | None = None
    code: str | None = None
    link_requested_at: datetime | None = None
    printed_at: datetime | None = None
    posted_at: datetime | None = None
    print_reference: str | None = None
    created_at: datetime = field(default_factory=lambda: clock.now())
    # Made by a trial cascade's letter step (decision 30): at most one per run, step and try.
    cascade_run_id: uuid.UUID | None = None
    cascade_step: int | None = None
    cascade_attempt: int | None = None

    @property
    def ready(self) -> bool:
        """Consent has made its link and code: it can be printed."""
        return self.link is not None and self.code is not None


def postage(count: int, per_letter: float) -> float:
    return round(count * per_letter, 2)


def grouped_code(code: str) -> str:
    """A one-time code as printed: in threes, easier to copy ("482 913")."""
    return " ".join(code[i : i + 3] for i in range(0, len(code), 3))


@dataclass(frozen=True)
class Recipient:
    """Who a letter is addressed to, from the registry at render time; never stored here."""

    name: str
    address_lines: list[str]
    large_print: bool
    practice_name: str

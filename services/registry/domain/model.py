"""Practices, participants, trials and each participant's status in each trial."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime

from shared import clock
from shared.chunks import chunked

AGE_BANDS = ((0, 17), (18, 29), (30, 39), (40, 49), (50, 59), (60, 69), (70, 79))

# Statuses staff see per trial, driven by consent and messaging events.
TRIAL_STATUSES = (
    "invited",
    "interested",
    "declined",
    "opted_out",
    "link_sent",
    "awaiting_confirmation",  # signed; the research team has not countersigned yet
    "consented",
    "refused",
    "withdrawn",
    "expired",
    "entered_in_error",
    "not_invited",  # the batch was cancelled before the invitation went out
)
# Staff can list who has no status yet (in one trial, or in any).
NOT_INVITED = "not_invited"
# What a participant list can be sorted by ("-" first for the reverse).
PARTICIPANT_ORDERS = ("name", "date_of_birth", "added")


def age_on(date_of_birth: date, day: date) -> int:
    before_birthday = (day.month, day.day) < (date_of_birth.month, date_of_birth.day)
    return day.year - date_of_birth.year - int(before_birthday)


def age_band(age: int) -> str:
    for low, high in AGE_BANDS:
        if low <= age <= high:
            return f"{low}-{high}"
    return "80+"


@dataclass
class Practice:
    ods_code: str
    name: str
    timezone: str = "Europe/London"

    @property
    def practice_ods(self) -> str:
        """A practice is at itself: what lets Principal.visible_at_practice look it up."""
        return self.ods_code


@dataclass
class Participant:
    practice_ods: str
    nhs_number: str
    given_name: str
    family_name: str
    date_of_birth: date
    language: str
    mobile: str | None = None
    textable: bool = False
    sex: str | None = None
    interpreter_needed: bool = False
    ethnic_category: str | None = None
    imd_decile: int | None = None
    imd_edition: int | None = None
    opted_out: bool = False
    preferred_channel: str | None = None  # sms, whatsapp, voice or letter (decision 30)
    # A postal address for letters (domain/postal.py); it leaves the registry only for a
    # letter being sent (decision 0029). Large print: the patient asked for it.
    address_line_1: str | None = None
    address_line_2: str | None = None
    address_line_3: str | None = None
    town: str | None = None
    postcode: str | None = None
    large_print: bool = False
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    created_at: datetime = field(default_factory=lambda: clock.now())
    updated_at: datetime = field(default_factory=lambda: clock.now())
    # When messaging and consent were first told of this participant (on their first
    # invitation); until then nothing about them has left the registry.
    shared_at: datetime | None = None

    @property
    def postal(self) -> bool:
        """Whether a letter can reach them (an address checked on the way in)."""
        return bool(self.postcode)  # an address is stored whole (domain/postal.py)

    @property
    def callable(self) -> bool:
        """Whether they asked to be phoned and gave a number (a landline will do)."""
        return self.preferred_channel == "voice" and bool(self.mobile)

    @property
    def can_be_invited(self) -> bool:
        return (self.textable or self.postal or self.callable) and not self.opted_out

    def shared_view(self, dob_hash: str, today: date) -> dict[str, object]:
        """What messaging and consent may keep: no NHS number, no name, no birth date."""
        return {
            "participant_id": self.id,
            "practice_ods": self.practice_ods,
            "mobile": self.mobile,
            "textable": self.textable,
            "language": self.language,
            "sex": self.sex,
            "age_band": age_band(age_on(self.date_of_birth, today)),
            "ethnic_category": self.ethnic_category,
            "imd_decile": self.imd_decile,
            "imd_edition": self.imd_edition,
            "dob_hash": dob_hash,
            "preferred_channel": self.preferred_channel,
            # Whether a letter can reach them, never the address itself (decision 0029).
            "postal": self.postal,
            "large_print": self.large_print,
        }


@dataclass
class Trial:
    short_name: str
    title: str
    sponsor: str
    response_deadline_days: int | None = None
    languages: list[str] = field(default_factory=lambda: ["en"])
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    created_at: datetime = field(default_factory=lambda: clock.now())
    # Nobody younger is invited; only an admin changes it, and each change is kept.
    minimum_age: int = 18


@dataclass
class TrialSettingChange:
    """One change to a trial's setting, kept for audit."""

    trial_id: uuid.UUID
    setting: str
    old_value: str
    new_value: str
    changed_by: str
    reason: str
    changed_at: datetime = field(default_factory=lambda: clock.now())
    id: uuid.UUID = field(default_factory=uuid.uuid4)


@dataclass
class TrialStatus:
    participant_id: uuid.UUID
    trial_id: uuid.UUID
    status: str
    updated_at: datetime = field(default_factory=lambda: clock.now())


@dataclass
class InvitationBatch:
    trial_id: uuid.UUID
    practice_ods: str
    participant_ids: list[uuid.UUID]
    requested_by: str
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    requested_at: datetime = field(default_factory=lambda: clock.now())

    def chunks(self, size: int) -> list[list[uuid.UUID]]:
        return list(chunked(self.participant_ids, size))

"""Practices, participants, trials and each participant's status in each trial."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

AGE_BANDS = ((0, 17), (18, 29), (30, 39), (40, 49), (50, 59), (60, 69), (70, 79))

# Statuses staff see per trial, driven by consent and messaging events.
TRIAL_STATUSES = (
    "invited",
    "interested",
    "declined",
    "opted_out",
    "link_sent",
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


def now() -> datetime:
    return datetime.now(UTC)


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
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    created_at: datetime = field(default_factory=now)
    updated_at: datetime = field(default_factory=now)
    # When messaging and consent were first told of this participant (on their first
    # invitation); until then nothing about them has left the registry.
    shared_at: datetime | None = None

    @property
    def can_be_invited(self) -> bool:
        return self.textable and not self.opted_out

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
        }


@dataclass
class Trial:
    short_name: str
    title: str
    sponsor: str
    response_deadline_days: int | None = None
    languages: list[str] = field(default_factory=lambda: ["en"])
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    created_at: datetime = field(default_factory=now)
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
    changed_at: datetime = field(default_factory=now)
    id: uuid.UUID = field(default_factory=uuid.uuid4)


@dataclass
class TrialStatus:
    participant_id: uuid.UUID
    trial_id: uuid.UUID
    status: str
    updated_at: datetime = field(default_factory=now)


@dataclass
class InvitationBatch:
    trial_id: uuid.UUID
    practice_ods: str
    participant_ids: list[uuid.UUID]
    requested_by: str
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    requested_at: datetime = field(default_factory=now)

    def chunks(self, size: int) -> list[list[uuid.UUID]]:
        ids = self.participant_ids
        return [ids[i : i + size] for i in range(0, len(ids), size)]

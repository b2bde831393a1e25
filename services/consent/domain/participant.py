"""What consent keeps about a participant: a pseudonym and demographic bands."""

from __future__ import annotations

import uuid
from dataclasses import dataclass


@dataclass
class ParticipantBands:
    participant_id: uuid.UUID
    practice_ods: str
    language: str
    sex: str | None = None
    age_band: str | None = None
    ethnic_category: str | None = None
    imd_decile: int | None = None
    imd_edition: int | None = None
    dob_hash: str | None = None
    erased: bool = False

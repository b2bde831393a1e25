"""What staff narrow a participant list by."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class ParticipantFilter:
    """What staff can narrow a participant list by. `practices` None means every practice."""

    practices: Sequence[str] | None
    nhs_number: str | None = None
    language: str | None = None
    ethnic_category: str | None = None
    textable: bool | None = None
    opted_out: bool | None = None
    trial_id: uuid.UUID | None = None
    trial_status: str | None = None  # NOT_INVITED: no status (in trial_id, or in any trial)
    mobile: str | None = None  # E.164
    name_words: Sequence[str] = ()  # each starts the given or the family name

"""A trial as consent knows it: names and deadline from the registry, its identity check."""

from __future__ import annotations

import uuid
from dataclasses import dataclass


@dataclass(frozen=True)
class TrialInfo:
    id: uuid.UUID
    short_name: str
    title: str
    response_deadline_days: int | None
    identity_check: str = "dob"

"""What staff narrow a trial's consent records by (lists and exports)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class RecordFilter:
    status: str | None = None
    practice_ods: str | None = None
    language: str | None = None
    age_band: str | None = None
    sex: str | None = None
    ethnic_category: str | None = None
    updated_since: datetime | None = None

    @property
    def needs_bands(self) -> bool:
        return any((self.language, self.age_band, self.sex, self.ethnic_category))

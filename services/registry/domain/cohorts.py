"""Cohorts: a saved eligibility filter on a trial and practice, and its breakdown."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any

from services.registry.domain import demographics
from services.registry.domain.eligibility import REASONS
from services.registry.domain.identifiers import years_before
from services.registry.domain.model import AGE_BANDS
from shared import clock, languages
from shared.errors import Conflict, FieldError, InvalidInput


@dataclass(frozen=True)
class Criteria:
    age_min: int | None = None
    age_max: int | None = None
    sexes: tuple[str, ...] = ()
    ethnic_categories: tuple[str, ...] = ()
    imd_deciles: tuple[int, ...] = ()
    languages: tuple[str, ...] = ()
    textable_only: bool = True

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Criteria:
        criteria = cls(
            age_min=data.get("age_min"),
            age_max=data.get("age_max"),
            sexes=tuple(data.get("sexes") or ()),
            ethnic_categories=tuple(data.get("ethnic_categories") or ()),
            imd_deciles=tuple(data.get("imd_deciles") or ()),
            languages=tuple(data.get("languages") or ()),
            textable_only=bool(data.get("textable_only", True)),
        )
        criteria.check()
        return criteria

    def to_dict(self) -> dict[str, Any]:
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}

    def check(self) -> None:
        errors: list[FieldError] = []
        for name, value in (("age_min", self.age_min), ("age_max", self.age_max)):
            if value is not None and not 0 <= value <= 120:
                errors.append(FieldError(name, "must be from 0 to 120"))
        if self.age_min is not None and self.age_max is not None and self.age_min > self.age_max:
            errors.append(FieldError("age_max", "must not be below age_min"))
        errors += [
            FieldError("sexes", f"unknown sex {s!r}")
            for s in self.sexes
            if s not in demographics.SEXES
        ]
        errors += [
            FieldError("ethnic_categories", f"unknown ethnic category {c!r}")
            for c in self.ethnic_categories
            if c not in demographics.ETHNIC_CATEGORIES
        ]
        errors += [
            FieldError("imd_deciles", f"{d} is not a decile from 1 to 10")
            for d in self.imd_deciles
            if not 1 <= d <= 10
        ]
        errors += [
            FieldError("languages", f"unknown language code {c!r}")
            for c in self.languages
            if c not in languages.LANGUAGES
        ]
        if errors:
            raise InvalidInput("; ".join(f"{e.field}: {e.reason}" for e in errors), errors)

    def born_between(self, today: date) -> tuple[date | None, date | None]:
        """(earliest, latest) dates of birth that meet the age range on `today`, inclusive."""
        latest = years_before(today, self.age_min) if self.age_min is not None else None
        earliest = None
        if self.age_max is not None:
            # Aged age_max until the day before turning age_max + 1.
            earliest = date.fromordinal(years_before(today, self.age_max + 1).toordinal() + 1)
        return earliest, latest


def age_band_cutoffs(today: date) -> list[tuple[str, date]]:
    """(band, born after this day) for each band below 80+, youngest band first."""
    return [(f"{low}-{high}", years_before(today, high + 1)) for low, high in AGE_BANDS]


@dataclass
class Cohort:
    trial_id: uuid.UUID
    practice_ods: str
    name: str
    criteria: dict[str, Any]
    created_by: str
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    created_at: datetime = field(default_factory=lambda: clock.now())
    frozen_at: datetime | None = None
    batch_id: uuid.UUID | None = None
    size: int | None = None

    @property
    def filter(self) -> Criteria:
        return Criteria.from_dict(self.criteria)

    def freeze(self, batch_id: uuid.UUID, size: int) -> None:
        if self.frozen_at is not None:
            raise Conflict("this cohort has been invited already; make a new cohort")
        self.frozen_at, self.batch_id, self.size = clock.now(), batch_id, size


@dataclass(frozen=True)
class Breakdown:
    count: int
    textable: int  # of them, how many have a mobile that can be texted
    by_ethnic_group: dict[str, int]
    by_imd_quintile: dict[str, int]
    by_language: dict[str, int]
    by_age_band: dict[str, int]
    by_sex: dict[str, int]
    # Of those the filter finds, how many may not be invited, by reason as staff read it.
    left_out: dict[str, int] = field(default_factory=dict)
    letters: int = 0  # of them, how many have no mobile to text but an address for a letter


# "by_letter": no mobile that takes texts, but an address (decision 0029).
DIMENSIONS = (
    "ethnic_category", "imd_decile", "language", "age_band", "sex", "textable", "by_letter",
)  # fmt: skip


def summarise(
    counts: Mapping[str, Mapping[Any, int]], left_out: Mapping[str, int] | None = None
) -> Breakdown:
    """Counts per value of each dimension in DIMENSIONS (None where nothing is recorded),
    and who was left out by reason (keys of eligibility.REASONS)."""

    def relabel(dimension: str, label: Callable[[Any], str]) -> dict[str, int]:
        out: Counter[str] = Counter()
        for value, count in counts.get(dimension, {}).items():
            out[label(value)] += count
        return dict(out)

    textable = counts.get("textable", {})
    return Breakdown(
        count=sum(textable.values()),
        textable=textable.get(True, 0),
        letters=counts.get("by_letter", {}).get(True, 0),
        by_ethnic_group=_most_first(relabel("ethnic_category", demographics.ethnic_label)),
        by_imd_quintile=dict(sorted(relabel("imd_decile", demographics.imd_quintile).items())),
        by_language=_most_first(relabel("language", _language_name)),
        by_age_band=dict(
            sorted(relabel("age_band", str).items(), key=lambda item: _band_order(item[0]))
        ),
        by_sex=_most_first(relabel("sex", lambda s: s or "not recorded")),
        left_out={REASONS[reason]: n for reason, n in (left_out or {}).items()},
    )


def _most_first(counts: dict[str, int]) -> dict[str, int]:
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def _language_name(code: str) -> str:
    known = languages.LANGUAGES.get(code)
    return known.name if known else code


def _band_order(label: str) -> int:
    return int(label.split("-")[0].rstrip("+"))

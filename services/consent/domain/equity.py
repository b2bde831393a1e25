"""The equity report: who was reached and who agreed, group by group, against who was invited.

Prevalence is defined as a group's share of the invited population: the eligible people the
registry asked us to invite for this trial (every consent record not entered in error).
The participation-to-prevalence ratio (PPR) of a group is its share of those who consented
divided by its share of those invited: 1 is proportionate, below 0.8 or above 1.2 are
commonly read as under- or over-represented.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from shared.ethnicity import ETHNIC_CATEGORIES, short_label

STAGES = ("invited", "replied", "interested", "consented", "withdrawn")
DIMENSIONS = (
    "ethnic_group",
    "ethnic_category",
    "imd_quintile",
    "language",
    "age_band",
    "sex",
    "practice",
)
NOT_KNOWN = "not known"


def wilson(successes: int, trials: int, z: float = 1.959964) -> tuple[float, float] | None:
    """The Wilson score 95% interval of a proportion; None when nobody was in the group."""
    if trials == 0:
        return None
    p = successes / trials
    denominator = 1 + z * z / trials
    centre = (p + z * z / (2 * trials)) / denominator
    half = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclass(frozen=True)
class Person:
    """One consent record's bands and the stages it reached."""

    ethnic_category: str | None
    imd_decile: int | None
    language: str | None
    age_band: str | None
    sex: str | None
    practice: str | None
    reached: frozenset[str]

    def group(self, dimension: str) -> str:
        code = self.ethnic_category
        if dimension == "ethnic_group":
            # The five broad groups; not stated (Z) and not known (99) are one "not known".
            if code is None or code in ("Z", "99") or code not in ETHNIC_CATEGORIES:
                return NOT_KNOWN
            return ETHNIC_CATEGORIES[code][0]
        if dimension == "ethnic_category":
            return short_label(code or "Z") if (code or "Z") in ETHNIC_CATEGORIES else NOT_KNOWN
        if dimension == "imd_quintile":
            # Quintile 1 is the most deprived fifth, as deciles count from the most deprived.
            return str((self.imd_decile + 1) // 2) if self.imd_decile else NOT_KNOWN
        value = getattr(self, dimension)
        return str(value) if value else NOT_KNOWN


@dataclass
class GroupRow:
    dimension: str
    group: str
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STAGES, 0))
    rates: dict[str, float | None] = field(default_factory=dict)
    intervals: dict[str, tuple[float, float] | None] = field(default_factory=dict)
    share_of_invited: float | None = None
    share_of_consented: float | None = None
    ppr: float | None = None


def build_report(people: Iterable[Person]) -> tuple[dict[str, int], list[GroupRow]]:
    totals = dict.fromkeys(STAGES, 0)
    rows: dict[tuple[str, str], GroupRow] = {}
    for person in people:
        for stage in STAGES:
            if stage in person.reached:
                totals[stage] += 1
        for dimension in DIMENSIONS:
            key = (dimension, person.group(dimension))
            row = rows.get(key) or rows.setdefault(key, GroupRow(*key))
            for stage in STAGES:
                if stage in person.reached:
                    row.counts[stage] += 1
    for row in rows.values():
        invited = row.counts["invited"]
        for stage in STAGES[1:]:
            row.rates[stage] = row.counts[stage] / invited if invited else None
            row.intervals[stage] = wilson(row.counts[stage], invited)
        row.share_of_invited = invited / totals["invited"] if totals["invited"] else None
        row.share_of_consented = (
            row.counts["consented"] / totals["consented"] if totals["consented"] else None
        )
        if row.share_of_invited and row.share_of_consented is not None:
            row.ppr = row.share_of_consented / row.share_of_invited
    order = defaultdict(int, {d: i for i, d in enumerate(DIMENSIONS)})
    ordered = sorted(
        rows.values(), key=lambda r: (order[r.dimension], r.group == NOT_KNOWN, r.group)
    )
    return totals, ordered

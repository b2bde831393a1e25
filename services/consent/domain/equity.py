"""The equity report: who was reached and who agreed, group by group, against three
populations: those invited, the trial's eligible cohort and the practices' lists.

"Consented" is the current state: a withdrawn patient no longer counts as consented (they
count under "withdrawn"). The participation-to-prevalence ratio (PPR) of a group is its
share of those who consented divided by its share of a population: of the invited (every
consent record not entered in error or never sent), of the eligible cohort the registry
found for the trial at the practices taking part, and of those practices' lists (both
from the registry's aggregate counts, no personal data). 1 is proportionate; a group is
flagged under- or over-represented only when it is large enough to judge and its consent
rate's 95% interval lies wholly below or above the trial's (see `judge`). What is shown
goes through domain.disclosure first: small numbers are suppressed.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from shared.ethnicity import ETHNIC_CATEGORIES, short_label
from shared.languages import UNKNOWN

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
# Each dimension's groups come from one band the registry keeps.
BAND_OF = {
    "ethnic_group": "ethnic_category",
    "ethnic_category": "ethnic_category",
    "imd_quintile": "imd_decile",
    "language": "language",
    "age_band": "age_band",
    "sex": "sex",
    "practice": "practice",
}
# A group needs this many invited before it is judged under- or over-represented.
MIN_TO_JUDGE = 20
UNDER, OVER, NO_CLEAR_DIFFERENCE, TOO_SMALL = "under", "over", "no_clear_difference", "too_small"
# dimension -> group -> people, of a population (the eligible cohort, the practice lists)
Population = Mapping[str, Mapping[str, int]]


def group_of(dimension: str, value: object) -> str:
    """The group a band's value falls in, for one of DIMENSIONS."""
    if dimension == "ethnic_group":
        # The five broad groups; not stated (Z) and not known (99) are one "not known".
        if not value or value in ("Z", "99") or value not in ETHNIC_CATEGORIES:
            return NOT_KNOWN
        return ETHNIC_CATEGORIES[str(value)][0]
    if dimension == "ethnic_category":
        code = str(value or "Z")
        return short_label(code) if code in ETHNIC_CATEGORIES else NOT_KNOWN
    if dimension == "imd_quintile":
        # Quintile 1 is the most deprived fifth, as deciles count from the most deprived.
        try:
            decile = int(str(value))
        except ValueError:
            return NOT_KNOWN
        return str((decile + 1) // 2) if 1 <= decile <= 10 else NOT_KNOWN
    if dimension == "language" and value == UNKNOWN:
        return NOT_KNOWN  # the list did not say, or said in words we could not read
    return str(value) if value else NOT_KNOWN


def population_groups(
    bands: Mapping[str, Mapping[str, int]], practice: str
) -> dict[str, dict[str, int]]:
    """A practice's counts per band value (as the registry sends them) as counts per group of
    each dimension."""
    total = sum(bands.get("sex", {}).values())
    found: dict[str, dict[str, int]] = {"practice": {practice: total}}
    for dimension, band in BAND_OF.items():
        if band == "practice":
            continue
        groups = found.setdefault(dimension, {})
        for value, count in bands.get(band, {}).items():
            group = group_of(dimension, value)
            groups[group] = groups.get(group, 0) + count
    return found


def add_populations(*parts: Population) -> dict[str, dict[str, int]]:
    summed: dict[str, dict[str, int]] = {}
    for part in parts:
        for dimension, groups in part.items():
            into = summed.setdefault(dimension, {})
            for group, count in groups.items():
                into[group] = into.get(group, 0) + count
    return summed


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
        return group_of(dimension, getattr(self, BAND_OF[dimension]))


@dataclass
class GroupRow:
    dimension: str
    group: str
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STAGES, 0))
    rates: dict[str, float | None] = field(default_factory=dict)
    intervals: dict[str, tuple[float, float] | None] = field(default_factory=dict)
    share_of_invited: float | None = None
    share_of_consented: float | None = None
    ppr: float | None = None  # against the invited
    ppr_eligible: float | None = None  # against the trial's eligible cohort
    ppr_practice_list: float | None = None  # against the lists of the practices taking part
    flag: str | None = None  # UNDER, OVER, NO_CLEAR_DIFFERENCE or TOO_SMALL (judge)
    suppressed: set[str] = field(default_factory=set)  # stages shown as "<5"


def _ratio(share: float | None, population: Population | None, row: GroupRow) -> float | None:
    if share is None or not population:
        return None
    groups = population.get(row.dimension, {})
    total = sum(groups.values())
    prevalence = groups.get(row.group, 0) / total if total else 0.0
    return share / prevalence if prevalence else None


def judge(row: GroupRow, overall_rate: float | None) -> str:
    """Under- or over-represented only when the group is big enough and its consent rate's
    95% interval lies wholly below or above the trial's; else not flagged."""
    interval = row.intervals.get("consented")
    if row.counts["invited"] < MIN_TO_JUDGE or interval is None or overall_rate is None:
        return TOO_SMALL
    if interval[1] < overall_rate:
        return UNDER
    if interval[0] > overall_rate:
        return OVER
    return NO_CLEAR_DIFFERENCE


def build_report(
    people: Iterable[Person],
    eligible: Population | None = None,
    practice_list: Population | None = None,
) -> tuple[dict[str, int], list[GroupRow]]:
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
        row.ppr_eligible = _ratio(row.share_of_consented, eligible, row)
        row.ppr_practice_list = _ratio(row.share_of_consented, practice_list, row)
        overall = totals["consented"] / totals["invited"] if totals["invited"] else None
        row.flag = judge(row, overall)
    order = defaultdict(int, {d: i for i, d in enumerate(DIMENSIONS)})
    ordered = sorted(
        rows.values(), key=lambda r: (order[r.dimension], r.group == NOT_KNOWN, r.group)
    )
    return totals, ordered

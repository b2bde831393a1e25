"""Small numbers in the equity report: what is shown, and what is held back so that nobody
can be picked out.

A count from 1 to 4 is shown as "<5" (primary suppression). The groups of a dimension
partition the invited, and the totals are shown, so one hidden cell in a column could be
worked out by subtraction: the next smallest non-zero cell of that column is hidden too
(secondary suppression). Zero is shown: it tells nobody anything about a person. Anything
computed from a hidden count (its rate, interval, shares and ratios) is held back with it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from services.consent.domain.equity import STAGES, TOO_SMALL, GroupRow

SMALL = 5
HIDDEN = "<5"


def is_small(count: int) -> bool:
    return 0 < count < SMALL


def suppress(totals: dict[str, int], rows: Sequence[GroupRow]) -> set[str]:
    """Mark each row's hidden stages (row.suppressed) and clear what they would give away.
    Returns the totals' hidden stages."""
    hidden_totals = {stage for stage, count in totals.items() if is_small(count)}
    for dimension_rows in _by_dimension(rows):
        for stage in STAGES:
            hidden = [row for row in dimension_rows if is_small(row.counts[stage])]
            if len(hidden) == 1:
                shown = [r for r in dimension_rows if r not in hidden and r.counts[stage] > 0]
                if shown:
                    hidden.append(min(shown, key=lambda r: (r.counts[stage], r.group)))
            for row in hidden:
                row.suppressed.add(stage)
    for row in rows:
        _clear_derived(row, hidden_totals)
    return hidden_totals


def _by_dimension(rows: Iterable[GroupRow]) -> list[list[GroupRow]]:
    grouped: dict[str, list[GroupRow]] = {}
    for row in rows:
        grouped.setdefault(row.dimension, []).append(row)
    return list(grouped.values())


def _clear_derived(row: GroupRow, hidden_totals: set[str]) -> None:
    hidden = row.suppressed
    for stage in STAGES[1:]:
        if stage in hidden or "invited" in hidden:
            row.rates[stage] = None
            row.intervals[stage] = None
    if "invited" in hidden:
        row.share_of_invited = None
        row.ppr = None
        row.flag = TOO_SMALL
    if "consented" in hidden or "consented" in hidden_totals:
        row.share_of_consented = row.ppr = None
        row.ppr_eligible = row.ppr_practice_list = None
        if row.flag != TOO_SMALL:
            row.flag = TOO_SMALL


def shown(counts: dict[str, int], hidden: set[str]) -> dict[str, int | str]:
    """The counts as published: "<5" where hidden."""
    return {stage: HIDDEN if stage in hidden else count for stage, count in counts.items()}


def hidden_cells(table: Sequence[dict[str, int]], stages: Iterable[str]) -> list[set[str]]:
    """The same rules for any table whose rows share columns (the reach by channel): per
    column, counts from 1 to 4 hidden, and the next smallest non-zero one too when only one
    is. Returns each row's hidden columns."""
    hidden: list[set[str]] = [set() for _ in table]
    for stage in stages:
        small = [i for i, counts in enumerate(table) if is_small(counts[stage])]
        if len(small) == 1:
            shown = [i for i, counts in enumerate(table) if i not in small and counts[stage] > 0]
            if shown:
                small.append(min(shown, key=lambda i: (table[i][stage], i)))
        for i in small:
            hidden[i].add(stage)
    return hidden

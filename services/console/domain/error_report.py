"""The first lines of an import's report, to show on the page. Pure: no Flask."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import islice

SHOWN = 20  # more than this is easier to work through in the downloaded report


@dataclass(frozen=True)
class RowProblem:
    line: str
    column: str
    reason: str
    kind: str = "error"  # or "note": the row was imported, and staff should know this

    @property
    def is_note(self) -> bool:
        return self.kind == "note"


def first_problems(lines: Iterable[str], limit: int = SHOWN) -> tuple[list[RowProblem], bool]:
    """The first `limit` problems and notes of a report (CSV with line, column, reason and
    kind), and whether the report holds more."""
    rows = islice(csv.DictReader(iter(lines)), limit + 1)
    found = [
        RowProblem(
            row.get("line") or "",
            row.get("column") or "",
            row.get("reason") or "",
            row.get("kind") or "error",
        )
        for row in rows
    ]
    return found[:limit], len(found) > limit

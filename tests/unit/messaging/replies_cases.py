"""The multilingual reply test set, read from replies_cases.tsv."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

CASES_FILE = Path(__file__).with_name("replies_cases.tsv")


@dataclass(frozen=True)
class Case:
    line: int
    command_input: str  # LANG<TAB>CONVENTION<TAB>TEXT, escapes as written
    expected: str

    def __str__(self) -> str:
        return f"{self.line}:{self.command_input}"


def load_cases() -> list[Case]:
    cases = []
    for number, line in enumerate(CASES_FILE.read_text(encoding="utf-8").splitlines(), 1):
        if line and not line.startswith("#"):
            command_input, expected = line.rsplit("\t", 1)
            cases.append(Case(number, command_input, expected))
    return cases

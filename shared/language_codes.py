"""GP systems' codes for a patient's main spoken language, and what each means here.

SNOMED CT "main spoken language" concept ids (snomed_languages.tsv) and Read v2 codes
(read2_languages.tsv), as practice lists export them: a bare code, or a code with its term
("13lL. Main spoken language Urdu", "13lL.|Main spoken language Urdu",
"315570003 |Main spoken language English|"). Decision 0023.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path


def _table(name: str) -> dict[str, str]:
    """A GP system's code -> our code, from a table beside this module."""
    path = Path(__file__).with_name(name)
    with path.open(encoding="utf-8") as file:
        rows = csv.reader((line for line in file if not line.startswith("#")), delimiter="\t")
        return {row[0].strip(): row[1].strip() for row in rows if row}


SNOMED_LANGUAGES = _table("snomed_languages.tsv")
_SNOMED = re.compile(r"^\s*(\d{6,18})\s*(?:\|\s*(.*?)\s*\|?\s*)?$")
# Read v2 codes are five characters padded with dots ("13lL.", "13b.."), which exports may
# drop; case matters ("13lT." Croatian, "13lt." Serbian). "-" rows name no one language.
_READ2_ROWS = {code.rstrip("."): ours for code, ours in _table("read2_languages.tsv").items()}
READ2_LANGUAGES = {code: ours for code, ours in _READ2_ROWS.items() if ours != "-"}
_READ2_NOT_LANGUAGES = frozenset(code for code, ours in _READ2_ROWS.items() if ours == "-")
_READ2 = re.compile(r"^\s*(\d[0-9A-Za-z]{2,4})(\.*)(?:(?:\s*\|\s*|\s+)(.*?)\s*\|?)?\s*$")


@dataclass(frozen=True)
class Coded:
    language: str | None  # our code, where the table has the code
    term: str | None  # the term written after the code, if any
    names_none: bool = False  # "Speaks English well", "Language NOS": whatever the term says


def read_code(text: str) -> Coded | None:
    """What a coded language cell says; None when `text` is not a code."""
    snomed = _SNOMED.match(text)
    if snomed:
        return Coded(SNOMED_LANGUAGES.get(snomed.group(1)), snomed.group(2) or None)
    read = _READ2.match(text)
    if read and (not read.group(2) or len(read.group(1) + read.group(2)) == 5):
        code, term = read.group(1), read.group(3) or None
        return Coded(READ2_LANGUAGES.get(code), term, code in _READ2_NOT_LANGUAGES)
    return None

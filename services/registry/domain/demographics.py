"""Sex, ethnic category, IMD decile and interpreter flags, as GP systems write them."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from functools import lru_cache

from shared.errors import InvalidInput
from shared.ethnicity import ETHNIC_CATEGORIES as ETHNIC_CATEGORIES  # re-exported

SEXES = ("female", "male", "other", "unknown")
IMD_EDITIONS = (2019, 2025)


_SEX_WORDS = {
    "f": "female",
    "female": "female",
    "woman": "female",
    "m": "male",
    "male": "male",
    "man": "male",
    "i": "other",
    "indeterminate": "other",
    "other": "other",
    "u": "unknown",
    "unknown": "unknown",
    "not known": "unknown",
    "not specified": "unknown",
}
_YES = frozenset({"y", "yes", "true", "1", "required", "needed"})
_NO = frozenset({"n", "no", "false", "0", "not required", "not needed", ""})


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(re.sub(r"[^\w]+", " ", text).split())


def _ethnic_names() -> dict[str, str]:
    names: dict[str, str] = {}
    for code, (group, label) in ETHNIC_CATEGORIES.items():
        names[_fold(code)] = code
        names[_fold(f"{group} - {label}")] = code
        names[_fold(f"{group} {label}")] = code
        names.setdefault(_fold(label), code)
    # How the census and GP systems also write them.
    names.update(
        {
            _fold("White British"): "A",
            _fold("White - British"): "A",
            _fold("White Irish"): "B",
            _fold("Other White"): "C",
            _fold("Asian - Indian"): "H",
            _fold("Asian - Pakistani"): "J",
            _fold("Asian - Bangladeshi"): "K",
            _fold("Other Asian"): "L",
            _fold("Black - Caribbean"): "M",
            _fold("Black - African"): "N",
            _fold("Other Black"): "P",
            _fold("Chinese"): "R",
            _fold("Other"): "S",
            _fold("Refused"): "Z",
        }
    )
    return names


_ETHNIC_BY_NAME = _ethnic_names()


@lru_cache(maxsize=4096)  # a list repeats a handful of values a million times
def parse_sex(raw: str, field: str = "sex") -> str | None:
    return _coded(raw, _SEX_WORDS, field, "must be female, male, other or unknown (or F, M, I, U)")


@lru_cache(maxsize=4096)  # a list repeats a handful of values a million times
def parse_ethnic_category(raw: str, field: str = "ethnic_category") -> str | None:
    return _coded(
        raw,
        _ETHNIC_BY_NAME,
        field,
        "must be an NHS ethnic category code (A to S, Z or 99) or its label",
    )


def _coded(raw: str, codes: Mapping[str, str], field: str, reason: str) -> str | None:
    """The code a list's cell names (folded), None for an empty cell; anything else is wrong."""
    if not raw.strip():
        return None
    code = codes.get(_fold(raw))
    if code is None:
        raise InvalidInput.for_field(field, reason)
    return code


def ethnic_label(code: str | None) -> str:
    if code is None:
        return "Not recorded"
    group, label = ETHNIC_CATEGORIES[code]
    return label if group == label else f"{group} - {label}"


@lru_cache(maxsize=4096)  # a list repeats a handful of values a million times
def parse_interpreter(raw: str, field: str = "interpreter_needed") -> bool:
    folded = _fold(raw)
    if folded in _YES:
        return True
    if folded in _NO:
        return False
    raise InvalidInput.for_field(field, "must be yes or no")


@lru_cache(maxsize=4096)  # a list repeats a handful of values a million times
def parse_imd(
    decile_raw: str, edition_raw: str, field: str = "imd_decile"
) -> tuple[int | None, int | None]:
    """(decile, edition). A decile means nothing without the edition it comes from."""
    decile_text, edition_text = decile_raw.strip(), edition_raw.strip()
    if not decile_text:
        if edition_text:
            raise InvalidInput.for_field(field, "an IMD edition was given without a decile")
        return None, None
    if not decile_text.isdigit() or not 1 <= int(decile_text) <= 10:
        raise InvalidInput.for_field(field, "must be a whole number from 1 to 10")
    if not edition_text:
        raise InvalidInput.for_field("imd_edition", "is needed with a decile: 2019 or 2025")
    if not edition_text.isdigit() or int(edition_text) not in IMD_EDITIONS:
        raise InvalidInput.for_field("imd_edition", "must be 2019 or 2025")
    return int(decile_text), int(edition_text)


def imd_quintile(decile: int | None) -> str:
    return "Not recorded" if decile is None else str((decile + 1) // 2)

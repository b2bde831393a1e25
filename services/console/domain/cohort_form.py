"""The cohort form's answers as the registry's cohort body, and what is wrong with them.
Pure: no Flask. Nothing typed is silently dropped: an age that is not a whole number is an
error by its field, not a cohort of any age."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from services.console.domain.form_errors import FormErrors, place

OLDEST = 120
COHORT_FIELDS = {
    "name": "Name",
    "age_min": "Age from",
    "age_max": "Age to",
    "sexes": "Sex",
    "ethnic_categories": "Ethnic groups",
    "imd_deciles": "IMD deciles",
    "languages": "Preferred languages",
}


def cohort_body(
    practice: str, get: Callable[[str], str | None], getlist: Callable[[str], Sequence[str]]
) -> tuple[dict[str, Any], FormErrors]:
    """(the body to send, the errors to show); send only when there are no errors."""
    problems: list[dict[str, str]] = []
    name = (get("name") or "").strip()
    if not name:
        problems.append({"field": "name", "reason": "Enter a name for the cohort"})
    ages = {key: _age(key, get(key), problems) for key in ("age_min", "age_max")}
    low, high = ages["age_min"], ages["age_max"]
    if low is not None and high is not None and low > high:
        problems.append(
            {"field": "age_max", "reason": f"Age to must be {low} or more, the age from"}
        )
    deciles = []
    for decile in getlist("imd_deciles"):
        if decile.isdigit() and 1 <= int(decile) <= 10:
            deciles.append(int(decile))
        else:
            problems.append({"field": "imd_deciles", "reason": "Choose IMD deciles from the list"})
    body = {
        "practice_ods": practice,
        "name": name,
        "criteria": {
            "age_min": low,
            "age_max": high,
            "sexes": list(getlist("sexes")),
            "ethnic_categories": list(getlist("ethnic_categories")),
            "imd_deciles": deciles,
            "languages": list(getlist("languages")),
            "textable_only": bool(get("textable_only")),
        },
    }
    return body, place(problems, COHORT_FIELDS)


def _age(key: str, raw: str | None, problems: list[dict[str, str]]) -> int | None:
    text = (raw or "").strip()
    label = COHORT_FIELDS[key]
    if not text:
        return None
    if not text.isdigit():
        problems.append(
            {"field": key, "reason": f"{label} must be a whole number of years, like 18"}
        )
        return None
    if int(text) > OLDEST:
        problems.append({"field": key, "reason": f"{label} must be {OLDEST} or less"})
        return None
    return int(text)

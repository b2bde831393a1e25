"""One patient's row: every column checked, every problem reported with its column."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from services.registry.domain import demographics, identifiers
from shared import languages
from shared.errors import FieldError, InvalidInput

MAX_NAME_CHARS = 100


@dataclass(frozen=True, slots=True)
class RowError:
    line: int
    column: str
    reason: str


@dataclass(slots=True)  # not frozen: a frozen dataclass is several times slower to build
class PatientRow:
    line: int
    nhs_number: str
    given_name: str
    family_name: str
    date_of_birth: date
    sex: str | None
    mobile: str | None
    textable: bool
    language: str
    interpreter_needed: bool
    ethnic_category: str | None
    imd_decile: int | None
    imd_edition: int | None


def parse_record(
    line: int,
    values: Mapping[str, str],
    today: date,
    labels: Mapping[str, str] | None = None,
    implied_imd_edition: int | None = None,
) -> PatientRow | list[RowError]:
    """Check one patient's values; every wrong column is reported, not just the first."""
    errors: list[RowError] = []
    label = labels.get if labels is not None else None

    def fail(field: str, exc: InvalidInput) -> None:
        for item in exc.errors or [FieldError(field, exc.detail)]:
            name = (label(item.field) if label else None) or item.field
            errors.append(RowError(line, name, item.reason))

    get = values.get
    nhs = mobile = None
    textable = False
    dob = None
    try:
        nhs = identifiers.parse_nhs_number(get("nhs_number", ""))
    except InvalidInput as exc:
        fail("nhs_number", exc)
    given = _name(get("given_name", ""), "given_name", fail)
    family = _name(get("family_name", ""), "family_name", fail)
    try:
        dob_text = get("date_of_birth", "").strip()
        if not dob_text:
            raise InvalidInput.for_field("date_of_birth", "is required")
        dob = identifiers.parse_date_of_birth(dob_text, today)
    except InvalidInput as exc:
        fail("date_of_birth", exc)
    sex = interpreter = decile = edition = ethnic = None
    try:
        sex = demographics.parse_sex(get("sex", ""))
    except InvalidInput as exc:
        fail("sex", exc)
    try:
        mobile, textable = identifiers.parse_mobile(get("mobile", ""))
    except InvalidInput as exc:
        fail("mobile", exc)
    language = _language(get("language", ""), fail)
    try:
        interpreter = demographics.parse_interpreter(get("interpreter_needed", ""))
    except InvalidInput as exc:
        fail("interpreter_needed", exc)
    try:
        ethnic = demographics.parse_ethnic_category(get("ethnic_category", ""))
    except InvalidInput as exc:
        fail("ethnic_category", exc)
    try:
        edition_text = get("imd_edition", "") or (
            str(implied_imd_edition) if implied_imd_edition else ""
        )
        decile, edition = demographics.parse_imd(get("imd_decile", ""), edition_text)
    except InvalidInput as exc:
        fail("imd_decile", exc)
    if errors:
        return errors
    assert nhs is not None and dob is not None and language is not None
    return PatientRow(
        line=line,
        nhs_number=nhs,
        given_name=given,
        family_name=family,
        date_of_birth=dob,
        sex=sex,
        mobile=mobile,
        textable=textable,
        language=language,
        interpreter_needed=bool(interpreter),
        ethnic_category=ethnic,
        imd_decile=decile,
        imd_edition=edition,
    )


def _name(raw: str, field: str, fail: Any) -> str:
    name = " ".join(raw.split())
    if not name:
        fail(field, InvalidInput.for_field(field, "is required"))
    elif len(name) > MAX_NAME_CHARS:
        fail(field, InvalidInput.for_field(field, f"is longer than {MAX_NAME_CHARS} characters"))
    return name


@lru_cache(maxsize=4096)
def _known_language(text: str) -> str | None:
    found = languages.parse_language(text)
    return found.code if found else None


def _language(raw: str, fail: Any) -> str | None:
    text = raw.strip()
    if not text:
        # GP systems leave the main spoken language blank for most English speakers.
        return "en"
    code = _known_language(text)
    if code is None:
        reason = f"{text[:40]!r} is not a language we know"
        fail("language", InvalidInput.for_field("language", reason))
        return None
    return code

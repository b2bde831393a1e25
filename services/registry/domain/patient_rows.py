"""One patient's row: every column checked, every problem reported with its column, and
what staff should know of a row that imports (its language could not be read) noted."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from services.registry.domain import demographics, identifiers, postal
from services.registry.domain.channels import parse_preferred_channel
from shared import languages
from shared.errors import FieldError, InvalidInput

MAX_NAME_CHARS = 100
ERROR, NOTE = "error", "note"  # a note's row is imported; an error's is not


@dataclass(frozen=True, slots=True)
class RowError:
    """One line of an import's report: a problem that rejects the row, or a note."""

    line: int
    column: str
    reason: str
    kind: str = ERROR


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
    preferred_channel: str | None = None
    address: postal.PostalAddress | None = None
    large_print: bool = False
    notes: tuple[RowError, ...] = ()

    # The address's parts by the participant's column names, as an import writes them.
    @property
    def address_line_1(self) -> str | None:
        return self.address.line_1 if self.address else None

    @property
    def address_line_2(self) -> str | None:
        return self.address.line_2 if self.address else None

    @property
    def address_line_3(self) -> str | None:
        return self.address.line_3 if self.address else None

    @property
    def town(self) -> str | None:
        return self.address.town if self.address else None

    @property
    def postcode(self) -> str | None:
        return self.address.postcode if self.address else None


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
    language, language_note = _language(get("language", ""))
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
    channel = None
    try:
        channel = parse_preferred_channel(get("preferred_channel", ""))
    except InvalidInput as exc:
        fail("preferred_channel", exc)
    address, large_print = None, False
    try:
        address = postal.parse_address({name: get(name, "") for name in postal.ADDRESS_FIELDS})
    except InvalidInput as exc:
        fail("postcode", exc)
    try:
        large_print = postal.parse_large_print(get("large_print", ""))
    except InvalidInput as exc:
        fail("large_print", exc)
    if errors:
        return errors
    assert nhs is not None and dob is not None
    notes: tuple[RowError, ...] = ()
    if language_note:
        column = (label("language") if label else None) or "language"
        notes = (RowError(line, column, language_note, NOTE),)
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
        preferred_channel=channel,
        address=address,
        large_print=large_print,
        notes=notes,
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


def _language(raw: str) -> tuple[str, str | None]:
    """The patient's language, and a note for staff when the row's could not be read.

    A language we cannot read never rejects the row: the patient would never be invited.
    Nor is it guessed ("Polsih" may be Polish, "Creole" is many languages): the patient
    is stored as speaking an unknown language and texted in English, and the note says so.
    """
    text = raw.strip()
    if not text:
        # GP systems leave the main spoken language blank for most English speakers.
        return "en", None
    code = _known_language(text)
    if code is not None:
        return code, None
    said = "is not recorded" if languages.says_not_recorded(text) else "is not one we know"
    texted_in = languages.get(languages.best_text(languages.UNKNOWN)).name
    return languages.UNKNOWN, (
        f"language {text[:40]!r} {said}: imported as an unknown language, "
        f"texted in {texted_in}; an interpreter may be needed"
    )

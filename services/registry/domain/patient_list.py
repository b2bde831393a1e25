"""A practice's patient list as GP systems export it: columns, rows and what is wrong with them.

Pure: reads from any binary stream, holds one row at a time, knows nothing of storage.
A problem with the whole file (empty, not text, wrong delimiter, a huge line) raises
FileProblem; a problem with one row becomes RowErrors and never stops the rows around it.
"""

from __future__ import annotations

import csv
import json
import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import IO, Any

from services.registry.domain import demographics, identifiers
from shared import languages
from shared.errors import FieldError, InvalidInput

MAX_LINE_BYTES = 64 * 1024
MAX_FIELD_CHARS = 1000  # a longer field means this is not a patient list
MAX_NAME_CHARS = 100
REQUIRED = ("nhs_number", "given_name", "family_name", "date_of_birth")

ALIASES: dict[str, tuple[str, ...]] = {
    "nhs_number": ("nhs number", "nhs no", "nhs", "nhsnumber", "nhs num", "patient nhs number"),
    "given_name": ("given name", "forename", "forenames", "first name", "firstname", "given"),
    "family_name": ("family name", "surname", "last name", "lastname", "family"),
    "date_of_birth": ("date of birth", "dob", "birth date", "birthdate", "d o b"),
    "sex": ("sex", "gender"),
    "mobile": (
        "mobile",
        "mobile number",
        "mobile telephone",
        "mobile telephone number",
        "mobile phone",
        "mobile phone number",
        "telephone",
        "telephone number",
        "phone",
        "phone number",
        "contact number",
    ),
    "language": (
        "language",
        "preferred language",
        "main spoken language",
        "main language",
        "first language",
        "spoken language",
    ),
    "interpreter_needed": (
        "interpreter needed",
        "interpreter required",
        "interpreter",
        "requires interpreter",
        "needs interpreter",
    ),
    "ethnic_category": (
        "ethnic category",
        "ethnicity",
        "ethnic origin",
        "ethnic group",
        "ethnic category code",
    ),
    "imd_decile": ("imd decile", "imd", "deprivation decile", "index of multiple deprivation"),
    "imd_edition": ("imd edition", "imd year", "imd version"),
}
_IMD_WITH_EDITION = re.compile(r"imd (2019|2025) decile|imd decile (2019|2025)")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_OTHER_DELIMITERS = {";": "semicolons", "\t": "tabs", "|": "vertical bars"}


class FileProblem(InvalidInput):
    """The file as a whole cannot be read as a patient list."""

    title = "Unreadable patient list"


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


def fold(header: str) -> str:
    text = unicodedata.normalize("NFKC", header).casefold()
    return " ".join(re.sub(r"[^\w]+|_", " ", text).split())


_BY_ALIAS = {fold(alias): name for name, aliases in ALIASES.items() for alias in aliases}
_BY_ALIAS.update({fold(name): name for name in ALIASES})


@dataclass(frozen=True)
class Columns:
    """Where each field is in this file, and what the file calls it."""

    index: Mapping[str, int]
    labels: Mapping[str, str]
    implied_imd_edition: int | None
    ignored: tuple[str, ...]


def canonical(header: str) -> tuple[str | None, int | None]:
    """(field, implied IMD edition) for a column heading, or (None, None)."""
    folded = fold(header)
    with_edition = _IMD_WITH_EDITION.fullmatch(folded)
    if with_edition:
        return "imd_decile", int(with_edition.group(1) or with_edition.group(2))
    return _BY_ALIAS.get(folded), None


def map_columns(header: list[str]) -> Columns:
    if len(header) == 1:
        for delimiter, name in _OTHER_DELIMITERS.items():
            if delimiter in header[0]:
                raise FileProblem(
                    f"the columns are separated by {name}; export the list as CSV with commas"
                )
    index: dict[str, int] = {}
    labels: dict[str, str] = {}
    ignored: list[str] = []
    edition: int | None = None
    for position, heading in enumerate(header):
        found, implied = canonical(heading)
        if found is None:
            ignored.append(heading.strip())
            continue
        name = found
        if name in index:
            raise FileProblem(
                f"columns {labels[name]!r} and {heading.strip()!r} both hold {name}",
                [FieldError(heading.strip(), f"repeats the {name} column")],
            )
        index[name], labels[name] = position, heading.strip()
        edition = implied or edition
    missing = [name for name in REQUIRED if name not in index]
    if missing:
        raise FileProblem(
            f"the header has no column for {', '.join(missing)}; the first line must name "
            "the columns (for example NHS number, Forename, Surname, Date of birth)",
            [FieldError(name, "no such column in the header") for name in missing],
        )
    return Columns(index, labels, edition, tuple(ignored))


_BINARY_BYTES = re.compile(rb"[\x00-\x08\x0e-\x1f]")


def _refuse_binary(stream: IO[bytes]) -> None:
    """Look at the start of the file: a spreadsheet, image or archive is not a CSV."""
    head = stream.read(8192)
    stream.seek(0)
    if _BINARY_BYTES.search(head):
        raise FileProblem(
            "the file holds binary data, not text: export the list as CSV "
            "(an .xlsx spreadsheet or a zip cannot be read)"
        )


def _decoded_lines(stream: IO[bytes]) -> Iterator[str]:
    """Lines as text: UTF-8 (with or without BOM), else Windows-1252, line by line."""
    _refuse_binary(stream)
    number = 0
    while True:
        raw = stream.readline(MAX_LINE_BYTES + 1)
        if not raw:
            return
        number += 1
        if len(raw) > MAX_LINE_BYTES:
            raise FileProblem(f"line {number} is longer than {MAX_LINE_BYTES:,} bytes")
        if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            try:
                text = raw.decode("cp1252")
            except UnicodeDecodeError:
                raise FileProblem(
                    f"line {number} is neither UTF-8 nor Windows-1252 text: is this a CSV file?"
                ) from None
        if _CONTROL.search(text):
            raise FileProblem(f"line {number} holds binary data: is this a CSV file?")
        yield text


def csv_rows(stream: IO[bytes]) -> Iterator[tuple[int, list[str]]]:
    """(line where the row starts, its fields), header included; blank lines skipped."""
    reader = csv.reader(_decoded_lines(stream), strict=True)
    start = 1
    try:
        for fields in reader:
            if "".join(fields).strip():
                # Only a row this long can hold a field this long: skip the loop mostly.
                if (
                    sum(map(len, fields)) > MAX_FIELD_CHARS
                    and max(map(len, fields)) > MAX_FIELD_CHARS
                ):
                    raise FileProblem(
                        f"line {start} has a field longer than {MAX_FIELD_CHARS:,} "
                        "characters: is this a patient list?"
                    )
                yield start, fields
            start = reader.line_num + 1
    except csv.Error as exc:
        raise FileProblem(f"line {reader.line_num} is not valid CSV: {exc}") from None


def csv_records(
    stream: IO[bytes],
) -> tuple[Columns | None, Iterator[tuple[int, dict[str, str], list[RowError]]]]:
    """The header's columns and an iterator of (line, values by field, shape errors)."""
    rows = csv_rows(stream)
    first = next(rows, None)
    if first is None:
        raise FileProblem("the file is empty")
    columns = map_columns(first[1])
    width = len(first[1])
    items = tuple(columns.index.items())

    def records() -> Iterator[tuple[int, dict[str, str], list[RowError]]]:
        for line, fields in rows:
            errors = []
            if len(fields) > width:
                errors.append(
                    RowError(line, "_", f"has {len(fields)} fields but the header has {width}")
                )
            count = len(fields)
            values = {name: fields[i] if i < count else "" for name, i in items}
            yield line, values, errors

    return columns, records()


def json_records(
    stream: IO[bytes], lines: bool
) -> Iterator[tuple[int, dict[str, str], list[RowError]]]:
    """Objects from a JSON array (line = item number) or JSON Lines (line = line number)."""
    if lines:
        for number, text in enumerate(_decoded_lines(stream), 1):
            if not text.strip():
                continue
            try:
                item = json.loads(text)
            except ValueError:
                yield number, {}, [RowError(number, "_", "is not a JSON object")]
                continue
            yield _json_record(number, item)
        return
    _refuse_binary(stream)
    try:
        items = json.load(stream)
    except (ValueError, RecursionError) as exc:
        raise FileProblem(f"the body is not JSON: {exc}") from None
    if isinstance(items, dict) and isinstance(items.get("patients"), list):
        items = items["patients"]
    if not isinstance(items, list):
        raise FileProblem('send a JSON array of patients (or {"patients": [...]})')
    for number, item in enumerate(items, 1):
        yield _json_record(number, item)


def _json_record(number: int, item: Any) -> tuple[int, dict[str, str], list[RowError]]:
    if not isinstance(item, dict):
        return number, {}, [RowError(number, "_", "is not a JSON object")]
    values: dict[str, str] = {}
    errors: list[RowError] = []
    for key, value in item.items():
        name, implied = canonical(str(key))
        if name is None:
            continue
        if isinstance(value, bool):
            values[name] = "yes" if value else "no"
        elif value is None:
            values[name] = ""
        elif isinstance(value, str | int | float):
            values[name] = str(value)
        else:
            errors.append(RowError(number, str(key), "must be text or a number"))
        if implied is not None:
            values.setdefault("imd_edition", str(implied))
    return number, values, errors


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

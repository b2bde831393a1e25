"""Reading a practice's patient list: headers, encodings, rows and their errors."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import phonenumbers
import pytest
from hypothesis import assume as hypothesis_assume
from hypothesis import given
from hypothesis import strategies as st

from services.registry.domain import identifiers
from services.registry.domain.patient_columns import FileProblem, map_columns
from services.registry.domain.patient_list import csv_records, json_records
from services.registry.domain.patient_rows import ERROR, NOTE, PatientRow, RowError, parse_record
from shared import languages
from shared.errors import InvalidInput

TODAY = date(2026, 11, 23)
GOOD = {
    "nhs_number": "943 476 5919",
    "given_name": "Imran",
    "family_name": "Hussain",
    "date_of_birth": "02/07/1961",
    "sex": "M",
    "mobile": "07400 123499",
    "language": "Panjabi",
    "interpreter_needed": "Y",
    "ethnic_category": "Pakistani",
    "imd_decile": "2",
    "imd_edition": "2019",
}


def records(text: bytes) -> list[tuple[int, dict[str, str], list[RowError]]]:
    _, found = csv_records(io.BytesIO(text))
    return list(found)


def test_a_good_row_becomes_a_patient_with_codes_not_labels() -> None:
    row = parse_record(2, GOOD, TODAY)
    assert row == PatientRow(
        line=2,
        nhs_number="9434765919",
        given_name="Imran",
        family_name="Hussain",
        date_of_birth=date(1961, 7, 2),
        sex="male",
        mobile="+447400123499",
        textable=True,
        language="pa",
        interpreter_needed=True,
        ethnic_category="J",
        imd_decile=2,
        imd_edition=2019,
    )


def test_every_bad_column_of_a_row_is_reported_with_its_header_name() -> None:
    bad = {
        **GOOD,
        "nhs_number": "0000000000",
        "date_of_birth": "2999-01-01",
        "language": "Klingon",
        "ethnic_category": "Q",
        "imd_decile": "11",
    }
    labels = {"nhs_number": "NHS No", "date_of_birth": "DOB"}
    errors = parse_record(7, bad, TODAY, labels)
    assert isinstance(errors, list)
    # A language we cannot read is never an error: a row with other errors fails for them.
    assert {(e.line, e.column, e.kind) for e in errors} == {
        (7, "NHS No", ERROR),
        (7, "DOB", ERROR),
        (7, "ethnic_category", ERROR),
        (7, "imd_decile", ERROR),
    }
    reasons = {e.column: e.reason for e in errors}
    assert reasons["NHS No"] == "cannot be the same digit ten times"
    assert reasons["DOB"] == "is in the future"


@pytest.mark.parametrize(
    ("raw", "said"),
    [
        ("Punjabbi", "is not one we know"),  # a misspelling is never guessed
        ("Polsih", "is not one we know"),
        ("Creole", "is not one we know"),  # many languages: not guessed either
        ("Gaelic", "is not one we know"),
        ("Romany", "is not one we know"),
        ("Unknown", "is not recorded"),
        ("Not known", "is not recorded"),
        ("N/A", "is not recorded"),
        ("NK", "is not recorded"),
        ("und", "is not one we know"),
    ],
)
def test_a_language_we_cannot_read_imports_the_row_as_unknown_with_a_note(
    raw: str, said: str
) -> None:
    labels = {"language": "Main spoken language"}
    row = parse_record(12, {**GOOD, "language": raw}, TODAY, labels)

    assert isinstance(row, PatientRow)
    assert row.language == languages.UNKNOWN
    assert languages.interpreter_may_be_needed(row.language)
    assert row.notes == (
        RowError(
            12,
            "Main spoken language",
            f"language {raw!r} {said}: imported as an unknown language, texted in English; "
            "an interpreter may be needed",
            NOTE,
        ),
    )


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("Patois", "jam"),
        ("Jamaican Patois", "jam"),
        ("Jamaican Creole", "jam"),
        ("Irish Gaelic", "ga"),
    ],
)
def test_unambiguous_gp_names_are_read_and_noted_nowhere(raw: str, code: str) -> None:
    row = parse_record(2, {**GOOD, "language": raw}, TODAY)
    assert isinstance(row, PatientRow) and (row.language, row.notes) == (code, ())


@pytest.mark.parametrize(
    ("raw", "code"),
    [("Sylheti", "syl"), ("Bengali (Sylheti)", "syl"), ("URDU", "ur"), ("pol", "pl"), ("", "en")],
)
def test_languages_as_gp_systems_write_them(raw: str, code: str) -> None:
    row = parse_record(2, {**GOOD, "language": raw}, TODAY)
    assert isinstance(row, PatientRow) and row.language == code


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("A", "A"),
        ("White - British", "A"),
        ("Asian or Asian British - Bangladeshi", "K"),
        ("bangladeshi", "K"),
        ("99", "99"),
        ("Not stated", "Z"),
        ("", None),
    ],
)
def test_ethnic_category_codes_and_labels(raw: str, code: str | None) -> None:
    row = parse_record(2, {**GOOD, "ethnic_category": raw}, TODAY)
    assert isinstance(row, PatientRow) and row.ethnic_category == code


def test_a_landline_is_kept_but_not_textable() -> None:
    row = parse_record(2, {**GOOD, "mobile": "0121 496 0000"}, TODAY)
    assert isinstance(row, PatientRow)
    assert (row.mobile, row.textable) == ("+441214960000", False)


def test_an_imd_decile_without_its_edition_is_an_error() -> None:
    errors = parse_record(2, {**GOOD, "imd_edition": ""}, TODAY)
    assert isinstance(errors, list) and errors[0].column == "imd_edition"


def test_an_imd_edition_can_come_from_the_header() -> None:
    columns = map_columns(["NHS Number", "Forename", "Surname", "DOB", "IMD 2025 decile"])
    assert columns.implied_imd_edition == 2025
    row = parse_record(
        2, {**GOOD, "imd_edition": "", "imd_decile": "3"}, TODAY, None, columns.implied_imd_edition
    )
    assert isinstance(row, PatientRow) and (row.imd_decile, row.imd_edition) == (3, 2025)


def test_headers_are_matched_by_alias_in_any_order_and_unknown_ones_are_listed() -> None:
    columns = map_columns(
        ["Surname", "Practice code", "Date of Birth", "NHS No.", "First Name", "Mobile telephone"]
    )
    assert dict(columns.index) == {
        "family_name": 0,
        "date_of_birth": 2,
        "nhs_number": 3,
        "given_name": 4,
        "mobile": 5,
    }
    assert columns.ignored == ("Practice code",)


def test_a_header_without_the_required_columns_names_them() -> None:
    with pytest.raises(FileProblem) as caught:
        map_columns(["NHS number", "Name"])
    assert {e.field for e in caught.value.errors} == {"given_name", "family_name", "date_of_birth"}


@pytest.mark.parametrize(("delimiter", "word"), [(";", "semicolons"), ("\t", "tabs")])
def test_the_wrong_delimiter_is_named(delimiter: str, word: str) -> None:
    with pytest.raises(FileProblem, match=word):
        map_columns([delimiter.join(["NHS number", "Forename", "Surname", "DOB"])])


HEADER = "NHS number,Forename,Surname,Date of birth\r\n"


@pytest.mark.parametrize(
    "encoded",
    [
        (HEADER + "9434765919,Zoë,Nowak,1966-11-23\r\n").encode("utf-8"),
        b"\xef\xbb\xbf" + (HEADER + "9434765919,Zoë,Nowak,1966-11-23\r\n").encode("utf-8"),
        (HEADER + "9434765919,Zoë,Nowak,1966-11-23\r\n").encode("cp1252"),
    ],
    ids=["utf-8", "utf-8-bom", "windows-1252"],
)
def test_utf8_with_or_without_bom_and_windows_1252_read_the_same(encoded: bytes) -> None:
    [(line, values, errors)] = records(encoded)
    assert (line, errors) == (2, [])
    assert values["given_name"] == "Zoë"
    assert values["nhs_number"] == "9434765919"


def test_a_quoted_field_over_two_lines_keeps_the_line_where_its_row_starts() -> None:
    text = HEADER + '9434765919,"Mary\nAnn",Smith,1966-11-23\r\n4010232137,Ali,Khan,1970-01-01\r\n'
    found = records(text.encode())
    assert [line for line, _, _ in found] == [2, 4]


def test_a_row_with_more_fields_than_the_header_is_an_error_for_that_row_only() -> None:
    found = records((HEADER + "9434765919,A,B,1966-11-23,extra\r\n").encode())
    [(_, _, errors)] = found
    assert errors == [RowError(2, "_", "has 5 fields but the header has 4")]


@pytest.mark.parametrize(
    ("data", "match"),
    [
        (b"", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        (HEADER.encode() + b"9434765919,A,B,1966-11-23\x81\x8d\r\n", "neither UTF-8"),
        (HEADER.encode() + b"9434765919," + b"x" * 70_000 + b"\r\n", "longer than 65,536 bytes"),
        (
            HEADER.encode() + b"9434765919," + b"x" * 2_000 + b",B,1966-11-23\r\n",
            "longer than 1,000",
        ),
        (HEADER.encode() + b'9434765919,"A,B,1966-11-23\r\n', "not valid CSV"),
    ],
    ids=["empty", "binary", "not-text", "huge-line", "long-field", "open-quote"],
)
def test_what_is_wrong_with_the_whole_file_is_a_file_problem(data: bytes, match: str) -> None:
    with pytest.raises(FileProblem, match=match):
        records(data)


def test_json_lines_report_a_bad_line_and_keep_the_rest() -> None:
    body = b'{"nhs_number": "9434765919", "forename": "A"}\nnot json\n{"surname": "B"}\n'
    found = list(json_records(io.BytesIO(body), lines=True))
    assert [line for line, _, _ in found] == [1, 2, 3]
    assert found[0][1] == {"nhs_number": "9434765919", "given_name": "A"}
    assert found[1][2] == [RowError(2, "_", "is not a JSON object")]


def test_a_json_array_may_be_wrapped_in_patients_and_numbers_become_text() -> None:
    body = b'{"patients": [{"NHS Number": 9434765919, "Interpreter": true}]}'
    [(line, values, errors)] = list(json_records(io.BytesIO(body), lines=False))
    assert (line, errors) == (1, [])
    assert values == {"nhs_number": "9434765919", "interpreter_needed": "yes"}


class CountingStream(io.BytesIO):
    """Records how far the reader had read when each record was handed out."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.furthest = 0

    def read(self, size: int | None = -1) -> bytes:
        chunk = super().read(size)
        self.furthest = max(self.furthest, self.tell())
        return chunk

    def readinto(self, buffer: Any) -> int:
        n = super().readinto(buffer)
        self.furthest = max(self.furthest, self.tell())
        return n


def test_a_json_array_is_read_a_patient_at_a_time_not_whole() -> None:
    patient = b'{"NHS Number": "9434765919", "Surname": "Begum", "Forename": "Amina"}'
    body = b"[" + b",".join([patient] * 20_000) + b"]"  # about 1.4 MB
    stream = CountingStream(body)

    found = json_records(stream, lines=False)
    first = next(found)

    assert first == (
        1,
        {"nhs_number": "9434765919", "family_name": "Begum", "given_name": "Amina"},
        [],
    )
    assert stream.furthest < len(body) / 4, "the first patient came before the file was read"
    assert sum(1 for _ in found) == 19_999  # and item numbers go on as before
    assert stream.furthest == len(body)


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (b"", "not JSON"),
        (b'[{"a": 1},', "not JSON: parse error"),
        (b'[{"a": 1}] trailing', "not JSON: parse error"),
        (b'{"others": [{"a": 1}]}', "send a JSON array"),
        (b'{"patients": 3}', "send a JSON array"),
        (b"42", "send a JSON array"),
        (b"[" * 100_000, "nested more than"),
    ],
    ids=["empty", "cut-short", "trailing", "no-patients", "patients-not-a-list", "number", "deep"],
)
def test_a_json_body_that_is_not_a_list_of_patients_is_a_file_problem(
    body: bytes, problem: str
) -> None:
    with pytest.raises(FileProblem, match=problem):
        list(json_records(io.BytesIO(body), lines=False))


def test_a_json_syntax_error_does_not_quote_the_file_back() -> None:
    with pytest.raises(FileProblem) as raised:
        list(json_records(io.BytesIO(b'[{"NHS Number": "9434765919" oops}]'), lines=False))
    assert "9434765919" not in raised.value.detail


def test_items_of_an_array_that_are_not_objects_are_row_errors_with_their_number() -> None:
    body = b'{"x": [1], "patients": [{"Surname": "B"}, 4, [1], {"Surname": "C"}]}'
    found = list(json_records(io.BytesIO(body), lines=False))
    assert [(line, bool(errors)) for line, _, errors in found] == [
        (1, False),
        (2, True),
        (3, True),
        (4, False),
    ]


# Properties: the fast path for UK numbers agrees with the full phonenumbers parse.


@given(
    prefix=st.sampled_from(
        ["07", "+447", "00447", "+44 7", "(07", "01", "+441", "(01", "02", "+442", "03", "08", "09"]
    ),
    rest=st.text(alphabet="0123456789", min_size=9, max_size=9),
    spacer=st.sampled_from(["", " ", "-"]),
)
def test_the_uk_fast_path_agrees_with_phonenumbers(prefix: str, rest: str, spacer: str) -> None:
    raw = f"{prefix}{rest[:3]}{')' if prefix.startswith('(') else ''}{spacer}{rest[3:]}"
    try:
        expected = phonenumbers.parse(raw, "GB")
        valid = phonenumbers.is_valid_number(expected)
    except phonenumbers.NumberParseException:
        valid = False
    if not valid:
        with pytest.raises(InvalidInput):
            identifiers.parse_mobile(raw)
        return
    e164 = phonenumbers.format_number(expected, phonenumbers.PhoneNumberFormat.E164)
    textable = phonenumbers.number_type(expected) in identifiers.TEXTABLE_TYPES
    assert identifiers.parse_mobile(raw) == (e164, textable)


@given(st.dates(min_value=date(1906, 11, 24), max_value=TODAY))
def test_a_row_date_of_birth_reads_the_same_in_either_format(day: date) -> None:
    iso = parse_record(2, {**GOOD, "date_of_birth": day.isoformat()}, TODAY)
    uk = parse_record(2, {**GOOD, "date_of_birth": day.strftime("%d/%m/%Y")}, TODAY)
    assert isinstance(iso, PatientRow) and iso == uk and iso.date_of_birth == day


@st.composite
def valid_nhs_numbers(draw: st.DrawFn) -> str:
    first_nine = draw(st.text(alphabet="0123456789", min_size=9, max_size=9))
    total = sum(int(d) * w for d, w in zip(first_nine, range(10, 1, -1), strict=True))
    check = (11 - total % 11) % 11
    number = f"{first_nine}{check}"
    hypothesis_assume(check != 10 and len(set(number)) > 1 and number[0] in "4679")
    return number


@given(valid_nhs_numbers(), st.lists(st.sampled_from([" ", "-", "  "]), min_size=9, max_size=9))
def test_a_row_nhs_number_reads_the_same_with_any_spaces_or_dashes(
    number: str, separators: list[str]
) -> None:
    written = "".join(
        d + (sep if i < 9 else "")
        for i, (d, sep) in enumerate(zip(number, [*separators, ""], strict=True))
    )
    row = parse_record(2, {**GOOD, "nhs_number": f" {written} "}, TODAY)
    assert isinstance(row, PatientRow) and row.nhs_number == number


@given(valid_nhs_numbers(), st.integers(0, 9), st.integers(1, 9))
def test_a_row_with_one_nhs_digit_wrong_is_rejected_naming_the_column(
    number: str, position: int, shift: int
) -> None:
    digits = list(number)
    digits[position] = str((int(digits[position]) + shift) % 10)
    errors = parse_record(
        5, {**GOOD, "nhs_number": "".join(digits)}, TODAY, {"nhs_number": "NHS No"}
    )
    assert isinstance(errors, list)
    assert [(e.line, e.column) for e in errors] == [(5, "NHS No")]

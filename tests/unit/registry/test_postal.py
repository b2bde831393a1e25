"""Postal addresses: UK postcodes checked and normalised, import columns, the letter rule."""

from __future__ import annotations

import io
import uuid
from datetime import date

import pytest

from services.registry.domain.eligibility import Candidate, exclusion
from services.registry.domain.patient_list import csv_records
from services.registry.domain.patient_rows import PatientRow, RowError, parse_record
from services.registry.domain.postal import (
    PostalAddress,
    parse_address,
    parse_large_print,
    parse_postcode,
)
from shared.errors import InvalidInput

TODAY = date(2026, 11, 23)


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("b18 4bx", "B18 4BX"),
        ("B184BX", "B18 4BX"),
        ("  sw1a   1aa ", "SW1A 1AA"),
        ("M1 1AE", "M1 1AE"),
        ("W1A 0AX", "W1A 0AX"),
        ("EC1A 1BB", "EC1A 1BB"),
        ("CR2 6XH", "CR2 6XH"),
        ("DN55 1PT", "DN55 1PT"),
        ("gir 0aa", "GIR 0AA"),
    ],
)
def test_a_uk_postcode_is_normalised_to_capitals_and_one_space(raw: str, normal: str) -> None:
    assert parse_postcode(raw) == normal


@pytest.mark.parametrize(
    "raw",
    ["", "B18", "12345", "B18 4B", "QA1 1AA", "B18 4CX", "B18 4BXX", "AA 1AA", "B1@ 4BX", "V1 1AA"],
)
def test_anything_else_is_refused_naming_the_postcode(raw: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_postcode(raw)
    assert refused.value.errors[0].field == "postcode"


def test_an_address_needs_its_first_line_town_and_postcode_and_reports_each() -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_address({"address_line_2": "Lozells", "postcode": "nope"})
    assert {e.field for e in refused.value.errors} == {"address_line_1", "town", "postcode"}


def test_a_blank_address_is_no_address_and_a_whole_one_is_cleaned() -> None:
    assert parse_address({"town": "  ", "postcode": ""}) is None
    found = parse_address(
        {"address_line_1": " 12  Villa Road ", "town": "Birmingham", "postcode": "b19 1bh"}
    )
    assert found == PostalAddress("12 Villa Road", None, None, "Birmingham", "B19 1BH")


def test_large_print_reads_yes_and_no_and_refuses_the_rest() -> None:
    assert parse_large_print("Y") is True
    assert parse_large_print("") is False
    with pytest.raises(InvalidInput):
        parse_large_print("maybe")


LIST = (
    b"NHS Number,Forename,Surname,Date of Birth,Address line 1,Town,Post code,Large print\r\n"
    b"9434765919,Imran,Hussain,02/07/1961,12 Villa Road,Birmingham,b19 1bh,Y\r\n"
    b"9434765870,Amina,Begum,01/01/1950,3 Soho Hill,Birmingham,B19 9ZZZ,\r\n"
)


def test_an_import_reads_address_columns_and_reports_a_bad_postcode_by_line_and_header() -> None:
    columns, found = csv_records(io.BytesIO(LIST))
    assert columns is not None
    parsed: list[PatientRow | list[RowError]] = [
        parse_record(line, values, TODAY, columns.labels) for line, values, _ in found
    ]
    first, second = parsed
    assert isinstance(first, PatientRow)
    assert first.address == PostalAddress("12 Villa Road", None, None, "Birmingham", "B19 1BH")
    assert first.large_print is True and first.mobile is None
    assert isinstance(second, list)
    assert [(e.line, e.column) for e in second] == [(3, "Post code")]
    assert "not a UK postcode" in second[0].reason


def test_a_patient_with_an_address_but_no_mobile_may_be_invited_by_letter() -> None:
    base = Candidate(uuid.uuid4(), date(1960, 1, 1), textable=False, opted_out=False)
    assert exclusion(base, uuid.uuid4(), 18, TODAY) == "no_mobile"
    by_post = Candidate(uuid.uuid4(), date(1960, 1, 1), False, False, postal=True)
    assert exclusion(by_post, uuid.uuid4(), 18, TODAY) is None
    stopped = Candidate(uuid.uuid4(), date(1960, 1, 1), False, True, postal=True)
    assert exclusion(stopped, uuid.uuid4(), 18, TODAY) == "opted_out"

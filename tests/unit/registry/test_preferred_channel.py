"""A patient's preferred channel in a practice list: staff's words, and line-numbered errors
(decision 30)."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest

from services.registry.domain.channels import parse_preferred_channel
from services.registry.domain.patient_list import csv_records, json_records
from services.registry.domain.patient_rows import PatientRow, parse_record
from shared.errors import InvalidInput

TODAY = date(2026, 11, 23)


@pytest.mark.parametrize(
    ("raw", "channel"),
    [
        ("SMS", "sms"),
        ("Text message", "sms"),
        ("WhatsApp", "whatsapp"),
        ("whats-app", "whatsapp"),
        ("Phone call", "voice"),
        ("voice", "voice"),
        ("Post", "letter"),
        ("letter", "letter"),
        ("", None),
        ("  ", None),
    ],
)
def test_staff_words_for_a_channel(raw: str, channel: str | None) -> None:
    assert parse_preferred_channel(raw) == channel


def test_an_unknown_channel_names_the_field() -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_preferred_channel("carrier pigeon")
    assert [e.field for e in caught.value.errors or []] == ["preferred_channel"]


CSV = (
    b"NHS Number,Forename,Surname,Date of Birth,Mobile,Preferred channel\r\n"
    b"9434765919,Imran,Hussain,02/07/1961,07400 123499,WhatsApp\r\n"
    b"9434765870,Amina,Begum,03/04/1970,,Post\r\n"
    b"9434765862,Jan,Kowalski,01/01/1980,07400 123498,fax\r\n"
)


def test_a_csv_column_is_read_and_a_bad_value_reported_with_its_line_and_header() -> None:
    columns, found = csv_records(io.BytesIO(CSV))
    assert columns is not None
    rows = [parse_record(line, values, TODAY, columns.labels) for line, values, _ in found]
    first, second, third = rows
    assert isinstance(first, PatientRow) and first.preferred_channel == "whatsapp"
    assert isinstance(second, PatientRow) and second.preferred_channel == "letter"
    assert isinstance(third, list)
    assert [(e.line, e.column) for e in third] == [(4, "Preferred channel")]
    assert third[0].reason.startswith("'fax' is not a channel")


def test_a_json_list_carries_it_too() -> None:
    items = [
        {
            "nhs_number": "9434765919",
            "given_name": "Imran",
            "family_name": "Hussain",
            "date_of_birth": "1961-07-02",
            "preferred_channel": "voice",
        }
    ]
    [(line, values, errors)] = list(json_records(io.BytesIO(json.dumps(items).encode()), False))
    row = parse_record(line, values, TODAY)
    assert not errors and isinstance(row, PatientRow) and row.preferred_channel == "voice"

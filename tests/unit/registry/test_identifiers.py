"""What staff type or upload: NHS numbers, mobiles, dates of birth and ODS codes."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from services.registry.domain.identifiers import (
    parse_date_of_birth,
    parse_mobile,
    parse_nhs_number,
    parse_ods_code,
)
from shared.errors import FieldError, InvalidInput

TODAY = date(2025, 11, 23)


def check_digit(first_nine: str) -> int | None:
    """The NHS number modulus 11 check digit; None when the nine digits have none (10)."""
    total = sum(int(d) * weight for d, weight in zip(first_nine, range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        return 0
    return None if check == 10 else check


@st.composite
def nhs_numbers(draw: st.DrawFn) -> str:
    """England, Wales and Isle of Man numbers, and the synthetic 9xx ones used in testing."""
    first = draw(st.sampled_from("4679"))
    first_nine = first + draw(st.text(alphabet="0123456789", min_size=8, max_size=8))
    check = check_digit(first_nine)
    assume(check is not None)
    number = f"{first_nine}{check}"
    assume(len(set(number)) > 1)
    return number


def spaced(number: str, separator: str) -> str:
    return separator.join((number[:3], number[3:6], number[6:]))


def assert_names_field(error: InvalidInput, field: str) -> None:
    assert error.errors and error.errors[0].field == field
    assert error.detail.startswith(f"{field}: ")


# NHS numbers


@settings(deadline=None)
@given(nhs_numbers(), st.sampled_from(["", " ", "-", "  "]))
def test_every_valid_nhs_number_parses_however_it_is_spaced(number: str, sep: str) -> None:
    assert parse_nhs_number(spaced(number, sep)) == number
    assert parse_nhs_number(f" {spaced(number, sep)}\t") == number


@settings(deadline=None)
@given(nhs_numbers(), st.integers(min_value=0, max_value=9), st.integers(1, 9))
def test_changing_any_one_digit_fails_the_check(number: str, position: int, shift: int) -> None:
    changed = number[:position] + str((int(number[position]) + shift) % 10) + number[position + 1 :]
    with pytest.raises(InvalidInput) as caught:
        parse_nhs_number(changed)
    assert_names_field(caught.value, "nhs_number")


@pytest.mark.parametrize("digit", "0123456789")
def test_the_same_digit_ten_times_is_rejected(digit: str) -> None:
    with pytest.raises(InvalidInput, match="same digit") as caught:
        parse_nhs_number(digit * 10)
    assert_names_field(caught.value, "nhs_number")


def test_some_same_digit_numbers_would_pass_the_check_digit_alone() -> None:
    assert check_digit("000000000") == 0
    assert check_digit("111111111") == 1


@pytest.mark.parametrize(
    "raw", ["", "943476591", "94347659190", "943 476 591X", "nine four three", "943.476.5919"]
)
def test_an_nhs_number_that_is_not_ten_digits_is_rejected(raw: str) -> None:
    with pytest.raises(InvalidInput, match="10 digits") as caught:
        parse_nhs_number(raw, field="rows.3.nhs_number")
    assert_names_field(caught.value, "rows.3.nhs_number")


def test_a_known_valid_nhs_number() -> None:
    assert parse_nhs_number("943 476 5919") == "9434765919"


def test_a_scottish_chi_number_must_start_with_a_real_date() -> None:
    assert parse_nhs_number("010 190 0007") == "0101900007"  # born 01/01/90
    with pytest.raises(InvalidInput):
        parse_nhs_number("0100000002")  # the check digit fits, but 01/00/00 is no date


# Mobiles


@pytest.mark.parametrize(
    "raw",
    [
        "07400 123401",
        "07400123401",
        "+44 7400 123401",
        "+447400123401",
        "0044 7400 123401",
        "(07400) 123-401",
        "+44 (0) 7400 123401",
        " 07400-123-401 ",
    ],
)
def test_a_uk_mobile_parses_to_e164_and_is_textable(raw: str) -> None:
    assert parse_mobile(raw) == ("+447400123401", True)


@settings(deadline=None)
@given(st.integers(min_value=0, max_value=999_999), st.sampled_from(["0", "+44 ", "0044"]))
def test_every_07400_mobile_parses_to_e164(subscriber: int, prefix: str) -> None:
    local = f"7400{subscriber:06d}"
    assert parse_mobile(f"{prefix}{local[:4]} {local[4:]}") == (f"+44{local}", True)


@pytest.mark.parametrize(
    ("raw", "e164"),
    [("0121 496 0000", "+441214960000"), ("020 7946 0000", "+442079460000")],
)
def test_a_landline_is_kept_but_not_textable(raw: str, e164: str) -> None:
    assert parse_mobile(raw) == (e164, False)


@pytest.mark.parametrize("raw", [None, "", "   "])
def test_no_number_is_not_an_error(raw: str | None) -> None:
    assert parse_mobile(raw) == (None, False)


@pytest.mark.parametrize(
    "raw", ["hello", "07400", "123", "0740012340199999", "++44", "07400 12340a"]
)
def test_junk_is_rejected_naming_the_field(raw: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_mobile(raw)
    assert_names_field(caught.value, "mobile")
    with pytest.raises(InvalidInput) as caught:
        parse_mobile(raw, field="contact.mobile")
    assert_names_field(caught.value, "contact.mobile")


# Dates of birth

A_LIFETIME = st.dates(min_value=date(1905, 11, 23), max_value=TODAY)


@settings(deadline=None)
@given(A_LIFETIME)
def test_iso_and_uk_dates_parse_to_the_same_day(day: date) -> None:
    iso = parse_date_of_birth(day.isoformat(), TODAY)
    uk = parse_date_of_birth(day.strftime("%d/%m/%Y"), TODAY)
    assert iso == uk == day
    assert parse_date_of_birth(day, TODAY) == day


@settings(deadline=None)
@given(st.dates(min_value=TODAY + timedelta(days=1), max_value=date(2200, 1, 1)))
def test_a_date_in_the_future_is_rejected(day: date) -> None:
    with pytest.raises(InvalidInput, match="in the future") as caught:
        parse_date_of_birth(day.isoformat(), TODAY)
    assert_names_field(caught.value, "date_of_birth")


def test_today_is_accepted() -> None:
    assert parse_date_of_birth(TODAY.isoformat(), TODAY) == TODAY


@settings(deadline=None)
@given(st.dates(min_value=date(1800, 1, 1), max_value=date(1905, 11, 22)))
def test_a_date_more_than_120_years_ago_is_rejected(day: date) -> None:
    with pytest.raises(InvalidInput, match="more than 120 years ago") as caught:
        parse_date_of_birth(day.strftime("%d/%m/%Y"), TODAY)
    assert_names_field(caught.value, "date_of_birth")


def test_exactly_120_years_ago_is_the_earliest_date_accepted() -> None:
    assert parse_date_of_birth("1905-11-23", TODAY) == date(1905, 11, 23)
    with pytest.raises(InvalidInput):
        parse_date_of_birth("1905-11-22", TODAY)
    with pytest.raises(InvalidInput):
        parse_date_of_birth("1905-01-01", TODAY)


def test_120_years_before_29_february_is_28_february_when_that_year_has_none() -> None:
    leap_day = date(2020, 2, 29)  # 1900 was not a leap year
    assert parse_date_of_birth("1900-02-28", leap_day) == date(1900, 2, 28)
    with pytest.raises(InvalidInput):
        parse_date_of_birth("1900-02-27", leap_day)


@pytest.mark.parametrize(
    "raw", ["", "yesterday", "31/02/1980", "1980-13-01", "02-07-1961", "1961/07/02", "2/7/61"]
)
def test_a_date_in_another_format_is_rejected_naming_the_field(raw: str) -> None:
    with pytest.raises(InvalidInput, match="YYYY-MM-DD or DD/MM/YYYY") as caught:
        parse_date_of_birth(raw, TODAY)
    assert caught.value.errors == [
        FieldError("date_of_birth", "must be a date as YYYY-MM-DD or DD/MM/YYYY")
    ]


# ODS codes


@pytest.mark.parametrize(("raw", "code"), [("M85001", "M85001"), (" m85001 ", "M85001")])
def test_an_ods_code_is_a_letter_and_five_digits(raw: str, code: str) -> None:
    assert parse_ods_code(raw) == code


@pytest.mark.parametrize("raw", ["", "M8500", "M850011", "85001M", "MM5001", "M85 001"])
def test_a_malformed_ods_code_is_rejected_naming_the_field(raw: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_ods_code(raw, field="practice_ods")
    assert_names_field(caught.value, "practice_ods")

"""Parsing what staff type or upload: NHS numbers, mobiles, dates of birth, ODS codes."""

from __future__ import annotations

import re
from datetime import date, datetime

import nhs_number
import phonenumbers
from phonenumbers import PhoneNumberType

from shared.errors import InvalidInput

ODS_CODE = re.compile(r"^[A-Z][0-9]{5}$")
TEXTABLE_TYPES = {PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE}


def parse_ods_code(raw: str, field: str = "ods_code") -> str:
    code = raw.strip().upper()
    if not ODS_CODE.match(code):
        raise InvalidInput.for_field(field, "must be a letter followed by five digits, e.g. M85001")
    return code


def parse_nhs_number(raw: str, field: str = "nhs_number") -> str:
    digits = re.sub(r"[\s-]", "", raw)
    if not re.fullmatch(r"\d{10}", digits):
        raise InvalidInput.for_field(field, "must be 10 digits")
    if len(set(digits)) == 1:
        raise InvalidInput.for_field(field, "cannot be the same digit ten times")
    if not nhs_number.is_valid(digits):
        raise InvalidInput.for_field(field, "fails the NHS number check digit")
    return digits


def parse_mobile(raw: str | None, field: str = "mobile") -> tuple[str | None, bool]:
    """Return (E.164 number, textable). A landline is kept but cannot be texted."""
    if raw is None or not raw.strip():
        return None, False
    try:
        number = phonenumbers.parse(raw, "GB")
    except phonenumbers.NumberParseException as exc:
        raise InvalidInput.for_field(field, "is not a phone number") from exc
    if not phonenumbers.is_valid_number(number):
        raise InvalidInput.for_field(field, "is not a valid phone number")
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return e164, phonenumbers.number_type(number) in TEXTABLE_TYPES


def parse_date_of_birth(raw: str | date, today: date, field: str = "date_of_birth") -> date:
    value = raw if isinstance(raw, date) else _parse_date(raw.strip(), field)
    if value > today:
        raise InvalidInput.for_field(field, "is in the future")
    if value < _years_before(today, 120):
        raise InvalidInput.for_field(field, "is more than 120 years ago")
    return value


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year - years, day=28)


def _parse_date(text: str, field: str) -> date:
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise InvalidInput.for_field(field, "must be a date as YYYY-MM-DD or DD/MM/YYYY")

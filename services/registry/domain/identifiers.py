"""Parsing what staff type or upload: NHS numbers, mobiles, dates of birth, ODS codes."""

from __future__ import annotations

import hashlib
import hmac
import re
from datetime import date
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import nhs_number
import phonenumbers
from phonenumbers import PhoneNumberType

from shared.errors import InvalidInput

ODS_CODE = re.compile(r"^[A-Z][0-9]{5}$")
TEXTABLE_TYPES = {PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE}
_NHS_SEPARATORS = re.compile(r"[\s-]")
_TEN_DIGITS = re.compile(r"\d{10}")
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_UK_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_DATE_FORMATS = "must be a date as YYYY-MM-DD or DD/MM/YYYY"

# A UK number written the usual ways (07..., +447..., 00447...), reduced to its ten
# national digits. Whether those are a mobile is decided by phonenumbers' own metadata
# for GB, so the fast path below and the full parse can never disagree about a number.
_UK_PUNCTUATION = re.compile(r"[\s().-]")
_UK_NATIONAL = re.compile(r"(?:\+44|0044|0)(\d{10})")
_GB = phonenumbers.PhoneMetadata.metadata_for_region("GB")
assert _GB is not None


def _pattern(*descs: phonenumbers.PhoneNumberDesc | None) -> re.Pattern[str]:
    patterns = [d.national_number_pattern for d in descs if d and d.national_number_pattern]
    return re.compile("|".join(f"(?:{p})" for p in patterns))


_GB_MOBILE = _pattern(_GB.mobile)
_GB_FIXED = _pattern(_GB.fixed_line)
# phonenumbers tries these types before fixed line and mobile; a number matching one of
# them takes the full parse.
_GB_OTHER = _pattern(
    _GB.premium_rate,
    _GB.toll_free,
    _GB.shared_cost,
    _GB.voip,
    _GB.personal_number,
    _GB.pager,
    _GB.uan,
    _GB.voicemail,
)


def parse_ods_code(raw: str, field: str = "ods_code") -> str:
    code = raw.strip().upper()
    if not ODS_CODE.match(code):
        raise InvalidInput.for_field(field, "must be a letter followed by five digits, e.g. M85001")
    return code


def parse_timezone(raw: str, field: str = "timezone") -> str:
    name = raw.strip()
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise InvalidInput.for_field(
            field, "must be an IANA time zone, e.g. Europe/London"
        ) from exc
    if name not in available_timezones():
        raise InvalidInput.for_field(field, "must be an IANA time zone, e.g. Europe/London")
    return name


def parse_nhs_number(raw: str, field: str = "nhs_number") -> str:
    digits = _NHS_SEPARATORS.sub("", raw)
    if not _TEN_DIGITS.fullmatch(digits):
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
    # Most of a practice list is UK mobiles and landlines: recognise them with
    # phonenumbers' own GB patterns instead of the full parse, which costs 30 to 100
    # microseconds a number (a third of a 100,000-row import). Property tests check that
    # both ways give the same answer.
    national = _UK_NATIONAL.fullmatch(_UK_PUNCTUATION.sub("", raw))
    if national:
        digits = national.group(1)
        if not _GB_OTHER.fullmatch(digits):
            if _GB_MOBILE.fullmatch(digits):
                return "+44" + digits, True
            if _GB_FIXED.fullmatch(digits):
                return "+44" + digits, False
    return _parse_any_phone(raw, field)


def _parse_any_phone(raw: str, field: str) -> tuple[str, bool]:
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
    if value < years_before(today, 120):
        raise InvalidInput.for_field(field, "is more than 120 years ago")
    return value


def years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year - years, day=28)


def _parse_date(text: str, field: str) -> date:
    iso = _ISO_DATE.fullmatch(text)
    uk = None if iso else _UK_DATE.fullmatch(text)
    if iso:
        year, month, day = (int(g) for g in iso.groups())
    elif uk:
        day, month, year = (int(g) for g in uk.groups())
    else:
        raise InvalidInput.for_field(field, _DATE_FORMATS)
    try:
        return date(year, month, day)
    except ValueError as exc:  # 31/02/1980 is in the right shape but is no day
        raise InvalidInput.for_field(field, _DATE_FORMATS) from exc


# One answer for an NHS number this practice may not register, whatever the reason (held
# by another practice, erased at the patient's request): a different answer per reason
# would tell any staff token, row by row in a dry run, which NHS numbers exist elsewhere.
NOT_REGISTRABLE = (
    "could not be registered at this practice; contact support if this patient moved practice"
)


def erasure_key(key: str, nhs_number: str) -> str:
    """A keyed hash of an erased patient's NHS number: enough to keep them out of later
    imports, not enough to tell who they were."""
    return hmac.new(key.encode(), nhs_number.encode(), hashlib.sha256).hexdigest()

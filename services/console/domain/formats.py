"""How the console writes values for people: UK local time, NHS numbers in groups, dates in
words, names of languages and ethnic categories, column labels. Pure: no Flask.

The services answer in machine forms (UTC ISO 8601 with microseconds, bare digits, codes);
staff read UK wall-clock time and the NHS's own conventions. Each function takes what the API
gave (a string, or None) and never raises: a value it cannot read is shown as it came.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from shared.ethnicity import ETHNIC_CATEGORIES
from shared.languages import LANGUAGES

LONDON = ZoneInfo("Europe/London")
NOT_RECORDED = "Not recorded"
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
# Field names as the APIs spell them, and as staff and coordinators read them.
LABELS = {
    "practice_ods": "Practice (ODS code)",
    "imd_decile": "IMD decile",
    "imd_quintile": "IMD quintile",
    "imd_edition": "IMD edition",
    "nhs_number": "NHS number",
    "ethnic_category": "Ethnic category",
    "age_band": "Age band",
    "date_of_birth": "Date of birth",
    "form_version": "Consent form version",
    "participant_id": "Pseudonym",
    "trial_id": "Trial",
}


def uk_time(value: str | datetime | None) -> str:
    """'2026-12-06T14:05:31.123456+00:00' as '6 Dec 2026, 14:05' on the UK wall clock (GMT or
    BST as the date falls). A time without a zone is taken as UTC, as the services store it."""
    if value is None or value == "":
        return ""
    moment = _datetime(value)
    if moment is None:
        return str(value)
    local = moment.astimezone(LONDON)
    return f"{local.day} {MONTHS[local.month - 1][:3]} {local.year}, {local:%H:%M}"


def long_date(value: str | date | None) -> str:
    """'1961-07-02' as '2 July 1961', the NHS style for dates."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        day: date = value.date()
    elif isinstance(value, date):
        day = value
    else:
        try:
            day = date.fromisoformat(str(value)[:10])
        except ValueError:
            return str(value)
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def nhs_number(value: str | None) -> str:
    """Ten digits as '999 100 0003' (3-3-4), as NHS number fields show them."""
    if not value:
        return ""
    digits = "".join(c for c in str(value) if c.isdigit())
    if len(digits) != 10:
        return str(value)
    return f"{digits[:3]} {digits[3:6]} {digits[6:]}"


def uk_mobile(value: str | None) -> str:
    """'+447400665529' as '07400 665529', as it is written in the UK; others as they are."""
    if not value:
        return ""
    text = str(value)
    if text.startswith("+447") and len(text) == 13 and text[1:].isdigit():
        national = "0" + text[3:]
        return f"{national[:5]} {national[5:]}"
    return text


def language_name(code: str | None) -> str:
    """'ur' as 'Urdu'; a code the system does not know is shown as it is."""
    if not code:
        return NOT_RECORDED
    found = LANGUAGES.get(str(code))
    return found.name if found else str(code)


def ethnic_category(code: str | None) -> str:
    """'J' as 'Asian or Asian British: Pakistani'; a broad group alone where it is the whole
    category ('Not stated')."""
    if not code:
        return NOT_RECORDED
    found = ETHNIC_CATEGORIES.get(str(code))
    if found is None:
        return str(code)
    group, label = found
    return label if group == label else f"{group}: {label}"


def field_label(name: str) -> str:
    """An API field name as a column heading: 'imd_decile' as 'IMD decile'."""
    return LABELS.get(name, name.replace("_", " ").capitalize())


def field_label_in_text(name: str) -> str:
    """The label inside a sentence ('By IMD quintile', 'By ethnic group')."""
    label = field_label(name)
    return label if label[:2].isupper() else label[:1].lower() + label[1:]


def field_value(name: str, value: object) -> str:
    """A value under its field's heading, in the form its heading promises."""
    if value is None or value == "":
        return NOT_RECORDED
    if name == "language" and value != "not known":
        return language_name(str(value))
    if name == "ethnic_category":
        return ethnic_category(str(value))
    if name == "date_of_birth":
        return long_date(str(value))
    if name == "nhs_number":
        return nhs_number(str(value))
    if name.endswith("_at"):
        return uk_time(str(value))
    if name == "sex":
        return str(value).capitalize()
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return str(value).replace("_", " ")


def from_uk_time(typed: str) -> str:
    """A date and time typed on the UK wall clock ('2026-07-02T09:30', as a datetime-local
    field sends it) as UTC ISO 8601 for the APIs; text that is not one is passed on as typed,
    for the service to refuse by its field."""
    moment = uk_moment(typed)
    return typed if moment is None else moment.astimezone(UTC).isoformat()


def uk_moment(typed: str) -> datetime | None:
    """A date and time as typed: on the UK wall clock unless it gives its own offset; None
    when it is not one."""
    try:
        local = datetime.fromisoformat(typed.strip())
    except ValueError:
        return None
    return local if local.tzinfo is not None else local.replace(tzinfo=LONDON)


def _datetime(value: str | datetime) -> datetime | None:
    if isinstance(value, datetime):
        moment = value
    else:
        try:
            moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        except ValueError:
            return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


DAY_NAMES = {
    "mon": "Monday",
    "tue": "Tuesday",
    "wed": "Wednesday",
    "thu": "Thursday",
    "fri": "Friday",
    "sat": "Saturday",
    "sun": "Sunday",
}


def sending_window(window: dict[str, str] | None) -> str:
    """{'days': 'mon,tue,wed,thu,fri', 'start': '09:00', 'end': '18:00'} as 'Monday to Friday,
    09:00 to 18:00 UK time'; every day from midnight to midnight as 'At any time'."""
    if not window:
        return "Not set"
    days = [d for d in str(window.get("days", "")).split(",") if d in DAY_NAMES]
    start, end = window.get("start", ""), window.get("end", "")
    if len(days) == 7 and start == end == "00:00":
        return "At any time, every day"
    order = list(DAY_NAMES)
    positions = [order.index(d) for d in days]
    if len(days) > 2 and positions == list(range(positions[0], positions[-1] + 1)):
        named = f"{DAY_NAMES[days[0]]} to {DAY_NAMES[days[-1]]}"
    else:
        named = ", ".join(DAY_NAMES[d] for d in days) or "No days"
    until = "midnight" if end == "00:00" else end
    return f"{named}, {start} to {until} UK time"

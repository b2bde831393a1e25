"""The console writes times, dates, NHS numbers, languages and categories as people read them."""

from __future__ import annotations

import pytest

from services.console.domain import formats
from services.console.entrypoints.filters import FILTERS


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("2026-12-06T14:05:31.123456+00:00", "6 Dec 2026, 14:05"),  # GMT: as stored
        ("2026-07-02T13:05:00.5Z", "2 Jul 2026, 14:05"),  # BST: an hour ahead
        ("2026-03-29T00:59:59", "29 Mar 2026, 00:59"),  # no zone: UTC, just before BST
        ("2026-03-29T01:00:00+00:00", "29 Mar 2026, 02:00"),  # the clocks go forward
        ("2026-10-25T00:30:00+00:00", "25 Oct 2026, 01:30"),  # still BST
        ("2026-10-25T01:30:00+00:00", "25 Oct 2026, 01:30"),  # back to GMT
        ("2026-12-31T23:59:00-05:00", "1 Jan 2027, 04:59"),
    ],
)
def test_times_are_shown_on_the_uk_wall_clock_without_seconds(stored: str, shown: str) -> None:
    assert formats.uk_time(stored) == shown


def test_a_time_that_cannot_be_read_is_shown_as_it_came() -> None:
    assert formats.uk_time("soon") == "soon"
    assert formats.uk_time(None) == ""


def test_dates_are_written_in_words() -> None:
    assert formats.long_date("1961-07-02") == "2 July 1961"
    assert formats.long_date("2026-12-06T14:05:00+00:00") == "6 December 2026"
    assert formats.long_date("not a date") == "not a date"


def test_nhs_numbers_are_shown_in_groups_of_3_3_4() -> None:
    assert formats.nhs_number("9991000003") == "999 100 0003"
    assert formats.nhs_number("999 100 0003") == "999 100 0003"
    assert formats.nhs_number("12345") == "12345"


def test_uk_mobiles_are_written_as_they_are_dialled() -> None:
    assert formats.uk_mobile("+447400665529") == "07400 665529"
    assert formats.uk_mobile("+48601234567") == "+48601234567"


def test_languages_and_ethnic_categories_are_named_not_coded() -> None:
    assert formats.language_name("ur") == "Urdu"
    assert formats.language_name("xx") == "xx"
    assert formats.language_name("und") == "Unknown language"  # the list did not say
    assert formats.ethnic_category("J") == "Asian or Asian British: Pakistani"
    assert formats.ethnic_category("Z") == "Not stated"
    assert formats.ethnic_category(None) == "Not recorded"


def test_columns_have_proper_labels() -> None:
    assert formats.field_label("imd_decile") == "IMD decile"
    assert formats.field_label("practice_ods") == "Practice (ODS code)"
    assert formats.field_label("age_band") == "Age band"
    assert formats.field_label("interpreter_needed") == "Interpreter needed"


def test_values_take_the_form_their_field_promises() -> None:
    assert formats.field_value("language", "pl") == "Polish"
    assert formats.field_value("ethnic_category", "M") == "Black or Black British: Caribbean"
    assert formats.field_value("imd_decile", None) == "Not recorded"
    assert formats.field_value("created_at", "2026-12-06T14:05:00Z") == "6 Dec 2026, 14:05"
    assert formats.field_value("interpreter_needed", True) == "Yes"
    assert formats.field_value("sex", "female") == "Female"


@pytest.mark.parametrize(
    ("window", "shown"),
    [
        (
            {"days": "mon,tue,wed,thu,fri", "start": "09:00", "end": "18:00"},
            "Monday to Friday, 09:00 to 18:00 UK time",
        ),
        (
            {"days": "mon,wed,sat", "start": "10:00", "end": "00:00"},
            "Monday, Wednesday, Saturday, 10:00 to midnight UK time",
        ),
        (
            {"days": "mon,tue,wed,thu,fri,sat,sun", "start": "00:00", "end": "00:00"},
            "At any time, every day",
        ),
    ],
)
def test_sending_windows_are_written_in_words(window: dict[str, str], shown: str) -> None:
    assert formats.sending_window(window) == shown


def test_every_format_is_a_registered_filter() -> None:
    import jinja2

    env = jinja2.Environment(autoescape=True)
    env.filters.update(FILTERS)
    page = env.from_string(
        "{{ t|uk_time }} | {{ d|long_date }} | {{ n|nhs_number }} | {{ 'ur'|language_name }}"
        " | {{ 'J'|ethnic_category }} | {{ 'practice_ods'|field_label }}"
    )
    assert page.render(t="2026-12-06T14:05:31.123456+00:00", d="1961-07-02", n="9991000003") == (
        "6 Dec 2026, 14:05 | 2 July 1961 | 999 100 0003 | Urdu"
        " | Asian or Asian British: Pakistani | Practice (ODS code)"
    )


def test_labels_read_inside_a_sentence() -> None:
    assert formats.field_label_in_text("imd_quintile") == "IMD quintile"
    assert formats.field_label_in_text("ethnic_group") == "ethnic group"
    assert formats.field_value("language", "not known") == "not known"


@pytest.mark.parametrize(
    ("typed", "sent"),
    [
        ("2026-07-02T09:30", "2026-07-02T08:30:00+00:00"),  # BST
        ("2026-12-06T09:30", "2026-12-06T09:30:00+00:00"),  # GMT
        ("tomorrow", "tomorrow"),  # left for the service to refuse by its field
    ],
)
def test_a_time_typed_on_the_uk_clock_is_sent_as_utc(typed: str, sent: str) -> None:
    assert formats.from_uk_time(typed) == sent

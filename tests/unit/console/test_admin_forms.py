"""The admin pages' form logic: errors beside their fields, consent form bodies, templates in
use, trial settings."""

from __future__ import annotations

from typing import Any

from services.console.domain.consent_forms import (
    current_version,
    new_version_body,
    with_translation,
)
from services.console.domain.form_errors import place
from services.console.domain.templates import in_use, kind_name
from services.console.domain.trial_settings import messaging_settings_body, new_trial_body


def test_an_error_goes_to_the_rightmost_part_of_its_path_that_the_form_shows() -> None:
    errors = place(
        [
            {"field": "translations.ur.sheet_url", "reason": "must be a web address"},
            {"field": "items.0.key", "reason": "bad key"},
            {"field": "translations.xx", "reason": "not a language we know"},
        ],
        ["sheet_url", "items"],
    )
    assert errors.on("sheet_url") == ["must be a web address"]
    assert errors.on("items") == ["bad key"]
    assert errors.on("_") == ["not a language we know"]
    assert errors.summary[0] == ("sheet_url", "Sheet url: must be a web address")
    assert not place([], ["body"])


def test_a_new_version_keeps_the_filled_item_rows_and_their_english_words() -> None:
    body = new_version_body(
        {
            "title": " Taking part ",
            "summary": "One.\r\n\r\nTwo.",
            "sheet_url": "https://example.org/s.pdf",
            "item_key_1": "Take Part",
            "item_needed_1": "1",
            "item_words_1": "I agree",
            "item_key_3": "recontact",
            "item_words_3": "You may contact me again",
        }
    )
    assert body["items"] == [
        {"key": "take_part", "mandatory": True},
        {"key": "recontact", "mandatory": False},
    ]
    english = body["translations"]["en"]
    assert english["title"] == "Taking part" and english["summary"] == "One.\n\nTwo."
    assert english["items"] == {"take_part": "I agree", "recontact": "You may contact me again"}
    assert body["requires_reconsent"] is False


def a_form(**changes: Any) -> dict[str, Any]:
    english = {"title": "T", "summary": "S", "sheet_url": "https://e.org", "items": {"a": "A"}}
    return {
        "version": 1,
        "status": "draft",
        "items": [{"key": "a", "mandatory": True}],
        "translations": {"en": english},
        "requires_reconsent": True,
        **changes,
    }


def test_a_translation_is_added_beside_the_others_keeping_items_and_reconsent() -> None:
    urdu = {"title": "ع", "summary": "خ", "sheet_url": "https://e.org/ur", "items": {"a": "ب"}}
    body = with_translation(a_form(), "ur", urdu)
    assert set(body["translations"]) == {"en", "ur"}
    assert body["items"] == [{"key": "a", "mandatory": True}]
    assert body["requires_reconsent"] is True


def test_the_current_version_is_the_newest_published_one() -> None:
    forms = [
        a_form(version=1, status="published"),
        a_form(version=2, status="published"),
        a_form(version=3, status="draft"),
    ]
    assert current_version(forms) == 2
    assert current_version([a_form()]) is None


def a_template(kind: str, language: str, version: int, reviewed: bool = False) -> dict[str, Any]:
    return {"kind": kind, "language": language, "version": version, "reviewed": reviewed}


def test_the_trials_own_newest_version_wins_over_the_shipped_one() -> None:
    shipped = [
        a_template("invitation", "ur", 1),
        a_template("invitation", "en", 1, reviewed=True),
        a_template("ack_yes", "en", 1, reviewed=True),
    ]
    own = [a_template("invitation", "ur", 1), a_template("invitation", "ur", 2, reviewed=True)]
    rows = in_use(own, shipped)
    assert [(r.kind, r.language, r.template["version"], r.own) for r in rows] == [
        ("invitation", "en", 1, False),
        ("invitation", "ur", 2, True),
        ("ack_yes", "en", 1, False),
    ]
    assert rows[1].reviewed


def test_a_kind_the_console_has_no_name_for_still_reads_well() -> None:
    assert kind_name("ack_yes") == "Thanks after YES"
    assert kind_name("appointment_reminder") == "Appointment reminder"


def test_blank_settings_mean_no_reminder_and_the_default_window() -> None:
    body = messaging_settings_body({"info_url": " https://e.org ", "reminder_days": ""})
    assert body == {
        "info_url": "https://e.org",
        "reminder_days": None,
        "window": None,
        "smart_encoding": False,
    }
    typed = messaging_settings_body(
        {"reminder_days": "0", "days": "mon-fri", "smart_encoding": "1"}
    )
    assert typed["reminder_days"] == 0, "zero is passed on, for messaging to refuse"
    assert typed["window"] == {"days": "mon-fri", "start": "", "end": ""}


def test_a_new_trial_passes_on_what_is_not_a_number_for_the_registry_to_name() -> None:
    body = new_trial_body({"short_name": " X1 ", "response_deadline_days": "ten"}, [])
    assert body["short_name"] == "X1" and body["response_deadline_days"] == "ten"
    assert body["languages"] == ["en"]

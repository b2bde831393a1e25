"""Words after a YES that are not a name, Ethiopic digits, and phone numbers in groups
(decision 37)."""

# ruff: noqa: RUF001 - the ideographic comma is what a Chinese reply is typed with

from __future__ import annotations

import pytest

from services.messaging.domain.replies import CALLBACK, DIGITS, NO, STOP, UNKNOWN, YES, classify


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Да, утре", "bg"),  # "yes, tomorrow": written small, not a name
        ("Igen, holnap", "hu"),
        ("Jā, rīt", "lv"),
        ("Po, nesër", "sq"),
        ("oy, kalke", "syl"),
        ("YES, TOMORROW", "en"),  # all in capitals says nothing of a name
        ("ہاں، کل صبح", "ur"),  # a script without capitals: nothing shows a name
        ("是的，明天", "zh"),
    ],
)
def test_a_word_after_a_bare_yes_that_is_not_written_as_a_name_makes_it_unknown(
    text: str, language: str
) -> None:
    assert classify(text, language) == UNKNOWN


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Yes, Nasreen Begum", "en"),
        ("Tak, Agnieszka", "pl"),
        ("Да, Иван", "bg"),
        ("Yes thanks so much for asking", "en"),  # after a thank-you, as before
        ("جی ہاں شکریہ، نسرین", "ur"),
        ("Hi Dr Khan, yes", "en"),
    ],
)
def test_a_name_after_a_yes_or_words_after_a_thank_you_still_pass(text: str, language: str) -> None:
    assert classify(text, language) == YES


@pytest.mark.parametrize(("text", "intent"), [("፩", YES), ("፪", NO), ("፫", STOP)])
def test_ethiopic_digits_answer_a_digits_template(text: str, intent: str) -> None:
    assert classify(text, "am", DIGITS) == intent
    assert classify(text, "ti", DIGITS) == intent
    assert classify(text, "am") == UNKNOWN  # digits answer only when asked for


@pytest.mark.parametrize(
    "text",
    [
        "Please give me a call on 07700 900123",
        "ring me on +44 7700-900-123",
        "call me on 0121 496 0000",
    ],
)
def test_a_phone_number_written_in_groups_is_one_number(text: str) -> None:
    assert classify(text, "en") == CALLBACK
    assert classify(text, "en", DIGITS) == CALLBACK


def test_short_groups_of_digits_are_not_a_phone_number() -> None:
    assert classify("1 2", "en", DIGITS) == UNKNOWN

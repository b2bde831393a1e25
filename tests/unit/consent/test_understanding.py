"""Understanding questions: checked when a form is written, marked, and sealed in its hash."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from services.consent.domain.forms import ConsentForm, Item, Translation
from services.consent.domain.understanding import (
    Question,
    QuestionWords,
    mark,
    still_to_answer,
)
from shared.errors import InvalidInput

RISK = Question("bleeding", ("more", "less", "same"), "more")
CHOICE = Question("leave", ("any_time", "never"), "any_time")
WORDS = {
    "bleeding": QuestionWords(
        "Does the study medicine change your risk of bleeding?",
        {"more": "It may raise it", "less": "It lowers it", "same": "No change"},
        "Anticoagulants thin the blood, so bleeding is more likely.",
    ),
    "leave": QuestionWords(
        "Can you leave the study?",
        {"any_time": "Yes, at any time", "never": "No"},
        "You can leave at any time without giving a reason.",
    ),
}


def _translation(questions: dict[str, QuestionWords]) -> Translation:
    return Translation(
        "A study", "Plain words.", "https://example.org/s", {"read": "I read"}, questions
    )


def _form(questions: list[Question], words: dict[str, QuestionWords]) -> ConsentForm:
    return ConsentForm(
        uuid.uuid4(), 1, [Item("read", True)], {"en": _translation(words)}, questions=questions
    )


def test_a_form_may_ask_questions_with_words_for_each_in_every_language() -> None:
    form = _form([RISK, CHOICE], WORDS)

    assert [q.key for q in form.questions] == ["bleeding", "leave"]


@pytest.mark.parametrize(
    ("questions", "words", "field"),
    [
        (
            [Question("x", ("a",), "a")],
            {"x": QuestionWords("?", {"a": "A"}, "e")},
            "questions.0.options",
        ),
        (
            [Question("x", ("a", "b"), "c")],
            {"x": QuestionWords("?", {"a": "A", "b": "B"}, "e")},
            "questions.0.correct",
        ),
        ([RISK], {}, "translations.en.questions"),
        (
            [RISK],
            {"bleeding": QuestionWords("?", {"more": "M"}, "e")},
            "translations.en.questions.bleeding.options",
        ),
        ([RISK, RISK], {"bleeding": WORDS["bleeding"]}, "questions"),
    ],
)
def test_a_question_without_a_right_answer_or_words_is_refused_naming_the_field(
    questions: list[Question], words: dict[str, QuestionWords], field: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        _form(questions, words)

    assert field in [error.field for error in refused.value.errors]


def test_answers_are_marked_and_only_known_options_count() -> None:
    record = uuid.uuid4()

    answers = mark([RISK, CHOICE], {"bleeding": "less", "leave": "shrug"}, record, 1, "bn")

    assert [(a.question_key, a.answer, a.correct, a.language) for a in answers] == [
        ("bleeding", "less", False, "bn")
    ]


def test_a_question_is_done_when_its_latest_answer_is_right() -> None:
    record = uuid.uuid4()
    first = mark([RISK, CHOICE], {"bleeding": "less", "leave": "any_time"}, record, 1, "en")
    again = mark([RISK], {"bleeding": "more"}, record, 1, "en")

    assert still_to_answer([RISK, CHOICE], []) == ["bleeding", "leave"]
    assert still_to_answer([RISK, CHOICE], first) == ["bleeding"]
    assert still_to_answer([RISK, CHOICE], [*first, *again]) == []


def test_the_hash_covers_the_questions_and_a_form_without_them_hashes_as_before() -> None:
    plain = _form([], {})
    plain.publish("REC 1", datetime.now(UTC))
    asked = _form([RISK], {"bleeding": WORDS["bleeding"]})
    asked.trial_id = plain.trial_id
    asked.publish("REC 1", datetime.now(UTC))
    asked.published_at = plain.published_at

    assert "questions" not in plain.content()
    assert "questions" not in plain.content()["translations"]["en"]
    assert asked.content()["questions"] == [
        {"key": "bleeding", "options": ["more", "less", "same"], "correct": "more"}
    ]
    assert asked.content_hash != plain.content_hash
    assert asked.verifies() and plain.verifies()

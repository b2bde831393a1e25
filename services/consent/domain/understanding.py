"""Questions that check a patient understood the study before they decide (issue 18 item 6).

A form version may carry a few multiple-choice questions. Each translation gives the
question, its options and an explanation shown after a wrong answer. The patient answers
until every question is right; every answer is kept with the record, so the research team
sees what was misunderstood and how often. The questions are part of the form's content,
so its hash covers them.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from shared import clock
from shared.errors import FieldError

MAX_QUESTIONS = 5


@dataclass(frozen=True)
class Question:
    key: str
    options: tuple[str, ...]  # option keys, shown in this order
    correct: str


@dataclass(frozen=True)
class QuestionWords:
    text: str
    options: Mapping[str, str]  # option key -> its words
    explanation: str  # shown after a wrong answer: what the information sheet says

    def as_json(self) -> dict[str, Any]:
        return {"text": self.text, "options": dict(self.options), "explanation": self.explanation}


@dataclass
class UnderstandingAnswer:
    record_id: uuid.UUID
    form_version: int
    question_key: str
    answer: str
    correct: bool
    language: str
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    at: datetime = field(default_factory=lambda: clock.now())


def question_from_json(data: Mapping[str, Any]) -> Question:
    return Question(data["key"], tuple(data["options"]), data["correct"])


def question_as_json(question: Question) -> dict[str, Any]:
    return {"key": question.key, "options": list(question.options), "correct": question.correct}


def words_from_json(data: Mapping[str, Mapping[str, Any]]) -> dict[str, QuestionWords]:
    return {
        key: QuestionWords(words["text"], dict(words["options"]), words["explanation"])
        for key, words in data.items()
    }


def check_questions(
    questions: Sequence[Question], words: Mapping[str, Mapping[str, QuestionWords]]
) -> list[FieldError]:
    """What is wrong with a form's questions and their words in each language."""
    errors: list[FieldError] = []
    keys = [q.key for q in questions]
    if len(questions) > MAX_QUESTIONS:
        errors.append(FieldError("questions", f"at most {MAX_QUESTIONS} questions"))
    if len(set(keys)) != len(keys):
        errors.append(FieldError("questions", "question keys must be unique"))
    for number, question in enumerate(questions):
        if not 2 <= len(question.options) <= 5 or len(set(question.options)) != len(
            question.options
        ):
            errors.append(
                FieldError(f"questions.{number}.options", "between 2 and 5 different options")
            )
        if question.correct not in question.options:
            errors.append(FieldError(f"questions.{number}.correct", "must be one of the options"))
    for code, by_key in words.items():
        if set(by_key) != set(keys):
            errors.append(
                FieldError(f"translations.{code}.questions", "must give words for each question")
            )
            continue
        for question in questions:
            given = by_key[question.key]
            if set(given.options) != set(question.options):
                errors.append(
                    FieldError(
                        f"translations.{code}.questions.{question.key}.options",
                        "must give words for exactly the question's options",
                    )
                )
    return errors


def mark(
    questions: Sequence[Question],
    given: Mapping[str, str],
    record_id: uuid.UUID,
    form_version: int,
    language: str,
) -> list[UnderstandingAnswer]:
    """One answer per question given a known option (the rest are simply not answered)."""
    return [
        UnderstandingAnswer(
            record_id,
            form_version,
            question.key,
            given[question.key],
            given[question.key] == question.correct,
            language,
        )
        for question in questions
        if given.get(question.key) in question.options
    ]


def still_to_answer(
    questions: Sequence[Question], answers: Sequence[UnderstandingAnswer]
) -> list[str]:
    """The keys of questions whose latest answer (in time order) is missing or wrong."""
    latest = {answer.question_key: answer.correct for answer in answers}
    return [q.key for q in questions if not latest.get(q.key, False)]

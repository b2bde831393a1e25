"""How a patient answered a form's understanding questions, as the research team reads it:
each question in the words and language it was asked in, every try, and whether the first
answer was right (decision 0035). Pure: shared by the record view, the FHIR export and the
signed copy.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from services.consent.domain.forms import ConsentForm
from services.consent.domain.understanding import QuestionWords, UnderstandingAnswer


@dataclass(frozen=True)
class Try:
    answer: str  # the option's key
    words: str | None  # the option's words in the language asked; None if the form lacks it
    correct: bool
    language: str
    at: datetime


@dataclass(frozen=True)
class AnsweredQuestion:
    form_version: int
    question_key: str
    language: str  # the language it was first asked in
    question: str | None  # its words in that language; None if the form no longer has them
    tries: tuple[Try, ...]

    @property
    def right_first_time(self) -> bool:
        return self.tries[0].correct

    @property
    def understood(self) -> bool:
        """Whether the latest answer is right (the page asks until it is)."""
        return self.tries[-1].correct


FormOf = Callable[[int], ConsentForm | None]


def answered_questions(
    answers: Sequence[UnderstandingAnswer], form_of: FormOf
) -> list[AnsweredQuestion]:
    """One entry per (form version, question) answered, in the form's order of questions
    (answers in time order in, tries in time order out)."""
    grouped: dict[tuple[int, str], list[UnderstandingAnswer]] = {}
    for answer in sorted(answers, key=lambda a: a.at):
        grouped.setdefault((answer.form_version, answer.question_key), []).append(answer)
    forms = {version: form_of(version) for version, _ in grouped}
    found = [
        _answered(version, key, given, forms[version]) for (version, key), given in grouped.items()
    ]
    return sorted(found, key=lambda q: (q.form_version, _position(forms[q.form_version], q)))


def _position(form: ConsentForm | None, question: AnsweredQuestion) -> int:
    keys = [q.key for q in form.questions] if form else []
    return keys.index(question.question_key) if question.question_key in keys else len(keys)


def _answered(
    version: int, key: str, given: list[UnderstandingAnswer], form: ConsentForm | None
) -> AnsweredQuestion:
    def words(language: str) -> QuestionWords | None:
        translation = form.translations.get(language) if form else None
        return translation.questions.get(key) if translation else None

    tries = []
    for answer in given:
        asked = words(answer.language)
        option = asked.options.get(answer.answer) if asked else None
        tries.append(Try(answer.answer, option, answer.correct, answer.language, answer.at))
    first = words(given[0].language)
    return AnsweredQuestion(
        version, key, given[0].language, first.text if first else None, tuple(tries)
    )

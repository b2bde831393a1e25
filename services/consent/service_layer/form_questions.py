"""Admins edit a draft form version's understanding questions one at a time (decision 0035):
the question's options and right answer, and its words in every language of the draft (the
question, each option, the explanation shown after a wrong answer). Published versions never
change. Problems name the fields of this body (`options`, `correct`, `words.<language>...`).
"""

from __future__ import annotations

import dataclasses
import re
import uuid
from collections.abc import Mapping
from typing import Any

from services.consent.domain.forms import ConsentForm
from services.consent.domain.understanding import Question, words_from_json
from services.consent.service_layer.forms import get_draft
from services.consent.service_layer.unit_of_work import ConsentUnitOfWork
from shared.auth.principal import Principal
from shared.errors import FieldError, InvalidInput, NotFound

KEY = re.compile(r"^[a-z0-9_]{1,40}$")


def save_question(
    uow: ConsentUnitOfWork,
    principal: Principal,
    trial_id: uuid.UUID,
    version: int,
    key: str,
    data: Mapping[str, Any],
) -> ConsentForm:
    """Add the question `key`, or replace it where it is, in the draft."""
    principal.require_trial(trial_id)
    if not KEY.match(key):
        raise InvalidInput.for_field("key", "lower-case letters, digits and _ only")
    question = Question(key, tuple(data["options"]), data["correct"])
    with uow:
        form = get_draft(uow, trial_id, version)
        given = {code: words_from_json({key: w})[key] for code, w in data["words"].items()}
        errors = [
            FieldError(f"words.{code}", "give the question's words in this language")
            for code in sorted(set(form.translations) - set(data["words"]))
        ] + [
            FieldError(f"words.{code}", "the draft has no translation in this language")
            for code in sorted(set(data["words"]) - set(form.translations))
        ]
        if errors:
            raise InvalidInput("the question needs its words in each language", errors)
        questions = list(form.questions)
        keys = [q.key for q in questions]
        if key in keys:
            questions[keys.index(key)] = question
        else:
            questions.append(question)
        translations = {
            code: dataclasses.replace(t, questions={**t.questions, key: given[code]})
            for code, t in form.translations.items()
        }
        _revise(form, translations, questions, number=[q.key for q in questions].index(key))
        uow.forms.update_draft(form)
        uow.commit()
    return form


def remove_question(
    uow: ConsentUnitOfWork, principal: Principal, trial_id: uuid.UUID, version: int, key: str
) -> ConsentForm:
    principal.require_trial(trial_id)
    with uow:
        form = get_draft(uow, trial_id, version)
        if key not in [q.key for q in form.questions]:
            raise NotFound(f"version {version} has no question {key}")
        translations = {
            code: dataclasses.replace(
                t, questions={k: w for k, w in t.questions.items() if k != key}
            )
            for code, t in form.translations.items()
        }
        _revise(form, translations, [q for q in form.questions if q.key != key], number=0)
        uow.forms.update_draft(form)
        uow.commit()
    return form


def _revise(
    form: ConsentForm, translations: dict[str, Any], questions: list[Question], number: int
) -> None:
    """Revise the draft, naming any problem by this body's fields, not the whole form's."""
    try:
        form.revise(form.items, translations, form.requires_reconsent, questions)
    except InvalidInput as problem:
        raise InvalidInput(
            problem.detail, [FieldError(_field(e.field, number), e.reason) for e in problem.errors]
        ) from None


def _field(path: str, number: int) -> str:
    """`questions.<n>.options` -> `options`; `translations.ur.questions.k.options` ->
    `words.ur.options`; `questions` (too many) -> `key`."""
    parts = path.split(".")
    if parts[0] == "questions":
        return parts[2] if len(parts) > 2 and parts[1] == str(number) else "key"
    if parts[0] == "translations" and len(parts) > 2 and parts[2] == "questions":
        return ".".join(["words", parts[1], *parts[4:]])
    return path

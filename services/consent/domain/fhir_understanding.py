"""A patient's answers to a form's understanding questions as a FHIR R4 QuestionnaireResponse,
which the Consent names as its `sourceReference` (decision 0035).

R4 (and R4B, which the export is validated against) lets `Consent.source[x]` reference a
QuestionnaireResponse, "a questionnaire completed as part of obtaining the consent"; no other
Consent element can point to one. Each question is an item in the words and language it was
asked in; every try is an answer in time order, coded by the form's option keys, with
whether it was right; an item extension says whether the first answer was right.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from services.consent.domain.fhir import FORM_SYSTEM, STUDY_NUMBER_SYSTEM, instant
from services.consent.domain.understanding_review import AnsweredQuestion

EXTENSION = "https://trialreach.example/fhir/StructureDefinition/understanding"
_NAMESPACE = uuid.UUID("8a4c2d0e-5b7f-4e1a-9c3d-6f2b8e0a1d47")


def questions_url(trial_id: uuid.UUID, version: int) -> str:
    """The canonical name of a form version's questions (the form is their Questionnaire)."""
    return f"{FORM_SYSTEM}:{trial_id}:v{version}:questions"


def response_id(record_id: uuid.UUID, version: int) -> uuid.UUID:
    return uuid.uuid5(_NAMESPACE, f"{record_id}:{version}")


def questionnaire_response(
    row: Any, answered: Sequence[AnsweredQuestion], version: int
) -> dict[str, Any] | None:
    """The answers to form version `version`'s questions; None when there are none."""
    mine = [q for q in answered if q.form_version == version]
    if not mine:
        return None
    system = f"{questions_url(row.trial_id, version)}:option"
    return {
        "resourceType": "QuestionnaireResponse",
        "id": str(response_id(row.id, version)),
        "language": mine[0].language,
        "questionnaire": questions_url(row.trial_id, version),
        "status": "completed" if all(q.understood for q in mine) else "in-progress",
        "subject": {"identifier": {"system": STUDY_NUMBER_SYSTEM, "value": row.study_number}},
        "authored": instant(max(q.tries[-1].at for q in mine)),
        "item": [
            {
                "linkId": q.question_key,
                **({"text": q.question} if q.question else {}),
                "extension": [
                    {"url": f"{EXTENSION}-right-first-time", "valueBoolean": q.right_first_time},
                    {"url": f"{EXTENSION}-language", "valueCode": q.language},
                ],
                "answer": [
                    {
                        "valueCoding": {
                            "system": system,
                            "code": t.answer,
                            **({"display": t.words} if t.words else {}),
                        },
                        "extension": [
                            {"url": f"{EXTENSION}-correct", "valueBoolean": t.correct},
                            {"url": f"{EXTENSION}-answered", "valueDateTime": instant(t.at)},
                        ],
                    }
                    for t in q.tries
                ],
            }
            for q in mine
        ],
    }

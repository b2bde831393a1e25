"""Understanding questions on the consent page, on PostgreSQL through Flask's test client.

After the date of birth, a form with questions asks them first; a wrong answer shows the
explanation and asks again; every answer is kept; agreeing before they are right is refused.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from services.consent.service_layer import forms as consent_forms
from services.consent.service_layer import participants as consent_participants
from services.consent.service_layer import records as consent_records
from shared.events.commands import TrialCreated
from shared.web.csrf import FIELD
from tests.integration.api.conftest import FORM_BODY, SEED, Service, store_token
from tests.integration.api.test_consent_page import a_patient, agree, confirm_dob, csrf

pytestmark = pytest.mark.integration

QUESTIONS = [{"key": "leave", "options": ["any_time", "never"], "correct": "any_time"}]
WORDS = {
    "en": {
        "leave": {
            "text": "Can you leave the study?",
            "options": {"any_time": "Yes, at any time", "never": "No, never"},
            "explanation": "You can leave at any time without giving a reason.",
        }
    },
    "ur": {
        "leave": {
            "text": "کیا آپ تحقیق چھوڑ سکتے ہیں؟",
            "options": {"any_time": "ہاں، کسی بھی وقت", "never": "نہیں، کبھی نہیں"},
            "explanation": "آپ بغیر وجہ بتائے کسی بھی وقت تحقیق چھوڑ سکتے ہیں",
        }
    },
}


def _form_with_questions() -> dict[str, Any]:
    translations = {
        code: {**words, "questions": WORDS[code]}
        for code, words in FORM_BODY["translations"].items()
    }
    return {**FORM_BODY, "translations": translations, "questions": QUESTIONS}


def _patient_asked_questions(service: Service) -> Any:
    trial_id = uuid.uuid4()
    consent_participants.save_trial(
        service.uow(),
        TrialCreated(trial_id=trial_id, short_name="T", title="T", response_deadline_days=28),
    )
    draft = consent_forms.create_draft(service.uow(), SEED, trial_id, _form_with_questions())
    consent_forms.publish(service.uow(), SEED, trial_id, draft.version, "REC 1")
    patient = a_patient(service, trial_id)
    consent_records.record_reply(service.uow(), patient.participant_id, trial_id, "yes")
    return patient


def _answer(client: Any, link: str, choice: str) -> Any:
    token = csrf(client, f"{link}/check")
    return client.post(
        f"{link}/check",
        data={FIELD: token, "q-leave": choice, "form_version": "1", "lang": "ur"},
    )


def test_the_questions_come_before_the_form_and_a_wrong_answer_is_explained(
    consent_service: Service,
) -> None:
    patient = _patient_asked_questions(consent_service)
    client = consent_service.client()
    confirm_dob(client, patient.link())

    to_form = client.get(f"{patient.link()}/form")
    asked = client.get(f"{patient.link()}/check?lang=ur").get_data(as_text=True)
    wrong = _answer(client, patient.link(), "never")
    right = _answer(client, patient.link(), "any_time")

    assert to_form.status_code == 303 and "/check" in to_form.headers["Location"]
    assert 'lang="ur"' in asked and "کیا آپ تحقیق چھوڑ سکتے ہیں؟" in asked
    assert "بغیر وجہ بتائے" not in asked, "no explanation before an answer"
    assert wrong.status_code == 400
    assert "بغیر وجہ بتائے" in wrong.get_data(as_text=True)
    assert right.status_code == 303 and right.headers["Location"].split("?")[0].endswith("/form")
    assert client.get(f"{patient.link()}/form").status_code == 200
    with consent_service.uow() as uow:
        record = patient.record()
        kept = [(a.answer, a.correct, a.language) for a in uow.understanding.answers(record.id, 1)]
    assert kept == [("never", False, "ur"), ("any_time", True, "ur")]


def test_agreeing_before_the_questions_are_answered_right_is_refused(
    consent_service: Service,
) -> None:
    patient = _patient_asked_questions(consent_service)
    client = consent_service.client()
    confirm_dob(client, patient.link())
    token = csrf(client, f"{patient.link()}/check")  # the form page itself is not shown

    client.post(
        f"{patient.link()}/form",
        data={
            FIELD: token,
            "decision": "agreed",
            "items": ["read_summary", "gp_records"],
            "form_version": "1",
            "lang": "ur",
        },
    )
    assert patient.record().status == "link_sent"

    _answer(client, patient.link(), "any_time")
    agree(client, patient.link(), ["read_summary", "gp_records"])
    assert patient.record().status == "consented"


def test_a_question_without_its_right_answer_among_the_options_is_a_problem_naming_it(
    consent_service: Service,
) -> None:
    admin = store_token(consent_service, "admin")
    body = {**_form_with_questions(), "questions": [{**QUESTIONS[0], "correct": "maybe"}]}

    response = consent_service.client().post(
        f"/trials/{uuid.uuid4()}/forms", json=body, headers={"Authorization": f"Bearer {admin}"}
    )

    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    reasons = {e["field"]: e["reason"] for e in response.get_json()["errors"]}
    assert reasons == {"questions.0.correct": "must be one of the options"}

"""The answers to a form's understanding questions, as the research team reads them: in the
record view (API), the FHIR export (a QuestionnaireResponse the Consent names as its source,
validated by fhir.resources) and the signed copy (decision 35). PostgreSQL, Flask's client.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle

from services.consent.service_layer import forms as consent_forms
from services.consent.service_layer import participants as consent_participants
from services.consent.service_layer import records as consent_records
from shared.events.commands import TrialCreated
from shared.web.csrf import FIELD
from tests.integration.api.conftest import SEED, Service, store_token
from tests.integration.api.test_consent_page import Patient, a_patient, confirm_dob, csrf
from tests.integration.api.test_consent_understanding import _form_with_questions
from tests.support.signing import pdf_text

pytestmark = pytest.mark.integration

ITEMS = ["read_summary", "gp_records"]


def _patient_who_answered(service: Service, language: str) -> tuple[Patient, Any]:
    """A patient who answered the question wrong, then right, in `language`, and agreed."""
    trial_id = uuid.uuid4()
    consent_participants.save_trial(
        service.uow(),
        TrialCreated(trial_id, "T", "T", response_deadline_days=28),
    )
    draft = consent_forms.create_draft(service.uow(), SEED, trial_id, _form_with_questions())
    consent_forms.publish(service.uow(), SEED, trial_id, draft.version, "REC 1")
    patient = a_patient(service, trial_id, language)
    consent_records.record_reply(service.uow(), patient.participant_id, trial_id, "yes")
    client = service.client()
    link = patient.link()
    confirm_dob(client, link)
    for choice in ("never", "any_time"):
        client.post(
            f"{link}/check",
            data={
                FIELD: csrf(client, f"{link}/check"),
                "q-leave": choice,
                "form_version": "1",
                "lang": language,
            },
        )
    client.post(
        f"{link}/form",
        data={
            FIELD: csrf(client, f"{link}/form"),
            "decision": "agreed",
            "items": ITEMS,
            "form_version": "1",
            "lang": language,
        },
    )
    assert patient.record().status == "consented"
    coordinator = store_token(service, "coordinator", trial_ids=[trial_id])
    return patient, {"Authorization": f"Bearer {coordinator}"}


def test_the_record_view_shows_each_question_as_asked_and_whether_it_was_right_first_time(
    consent_service: Service,
) -> None:
    patient, headers = _patient_who_answered(consent_service, "ur")
    number = patient.record().study_number

    found = consent_service.client().get(
        f"/trials/{patient.trial_id}/consent-records/{number}", headers=headers
    )

    assert found.status_code == 200
    [question] = found.get_json()["understanding"]
    assert question["question"] == "کیا آپ تحقیق چھوڑ سکتے ہیں؟"
    assert (question["language"], question["form_version"]) == ("ur", 1)
    assert (question["right_first_time"], question["understood"]) == (False, True)
    tries = [(t["answer"], t["words"], t["correct"]) for t in question["tries"]]
    assert tries == [("never", "نہیں، کبھی نہیں", False), ("any_time", "ہاں، کسی بھی وقت", True)]


def test_a_record_without_answers_shows_none(consent_service: Service) -> None:
    trial_id = uuid.uuid4()
    patient = a_patient(consent_service, trial_id)
    coordinator = store_token(consent_service, "coordinator", trial_ids=[trial_id])
    number = patient.record().study_number

    found = consent_service.client().get(
        f"/trials/{trial_id}/consent-records/{number}",
        headers={"Authorization": f"Bearer {coordinator}"},
    )

    assert found.status_code == 200
    assert (found.get_json()["understanding"], found.get_json()["responses"]) == ([], [])
    assert [e["to_status"] for e in found.get_json()["history"]] == ["invited"]


def test_the_fhir_consent_names_a_questionnaire_response_of_every_try_as_its_source(
    consent_service: Service,
) -> None:
    patient, headers = _patient_who_answered(consent_service, "ur")

    exported = consent_service.client().get(f"/trials/{patient.trial_id}/fhir", headers=headers)

    resources: list[Any] = [
        e.resource for e in Bundle.model_validate_json(exported.get_data(as_text=True)).entry or []
    ]
    [consent] = [r for r in resources if r.get_resource_type() == "Consent"]
    [answers] = [r for r in resources if r.get_resource_type() == "QuestionnaireResponse"]
    assert consent.sourceReference.reference == f"urn:uuid:{answers.id}"
    assert (answers.status, answers.language) == ("completed", "ur")
    assert answers.subject.identifier.value == patient.record().study_number
    assert answers.questionnaire == f"urn:trialreach:consent-form:{patient.trial_id}:v1:questions"
    [item] = answers.item or []
    assert (item.linkId, item.text) == ("leave", "کیا آپ تحقیق چھوڑ سکتے ہیں؟")
    said = {e.url.rsplit("/", 1)[-1]: e.valueBoolean for e in item.extension or []}
    assert said["understanding-right-first-time"] is False
    given = [(a.valueCoding.code, a.extension[0].valueBoolean) for a in item.answer or []]
    assert given == [("never", False), ("any_time", True)]


def test_the_signed_copy_lists_the_questions_and_how_they_were_answered(
    consent_service: Service,
) -> None:
    patient, headers = _patient_who_answered(consent_service, "en")
    number = patient.record().study_number

    copy = consent_service.client().get(
        f"/trials/{patient.trial_id}/consent-records/{number}/signed-copy", headers=headers
    )

    assert copy.status_code == 200
    text = " ".join(pdf_text(copy.get_data()).split())
    assert "Check you understand the study" in text
    assert "Can you leave the study?" in text
    assert "Yes, at any time: Right after reading the explanation" in text

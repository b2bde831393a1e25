"""The research team's confirmation through the HTTP APIs on PostgreSQL (decision 0032): the
patient signs on the page and is told the team confirms next; a researcher of the trial
records the discussion and countersigns; only then is the patient consented, and the texts
say so. Refusals name their fields; nobody else countersigns."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle
from sqlalchemy import update

from services.consent.adapters.orm import consent_attestations
from services.consent.service_layer import confirmation
from services.consent.service_layer import records as consent_records
from shared.auth.principal import Principal
from tests.integration.api.conftest import Service, store_token
from tests.integration.api.research_team import COUNTERSIGNATURE, DISCUSSION, PEOPLE
from tests.integration.api.test_consent_page import (
    Patient,
    agree,
    confirm_dob,
    interested_patient,
)
from tests.support.signing import pdf_text

pytestmark = pytest.mark.integration
ADMIN = Principal(uuid.uuid4(), "admin", "admin")


def texts(patient: Patient) -> list[str]:
    return [e.data["kind"] for e in patient.events("consent.notification.requested")]


def signed_patient(service: Service) -> tuple[Patient, str]:
    """A patient of a trial that asks for confirmation, who has agreed on the page."""
    patient = interested_patient(service)
    confirmation.set_requirement(service.uow(), ADMIN, patient.trial_id, True)
    client = service.client()
    confirm_dob(client, patient.link())
    agree(client, patient.link(), ["read_summary", "gp_records"])
    return patient, client.get(f"{patient.link()}/form").get_data(as_text=True)


def researcher(service: Service, patient: Patient) -> dict[str, str]:
    token = store_token(service, "researcher", trial_ids=[patient.trial_id])
    return {"Authorization": f"Bearer {token}"}


def path(patient: Patient, action: str) -> str:
    number = patient.record().study_number
    return f"/trials/{patient.trial_id}/consent-records/{number}/{action}"


def test_the_patient_signs_and_is_told_the_research_team_confirms_next(
    consent_service: Service,
) -> None:
    patient, page = signed_patient(consent_service)

    assert patient.record().status == "awaiting_confirmation"
    assert 'data-testid="awaiting-confirmation"' in page
    assert "تحقیقی ٹیم" in page  # in Urdu, from the catalog
    assert texts(patient)[-1] == "consent_awaiting_confirmation"
    assert "consent_confirmation" not in texts(patient)


def test_a_countersignature_after_the_discussion_consents_and_confirms_by_text(
    consent_service: Service,
) -> None:
    patient, _ = signed_patient(consent_service)
    client, headers = consent_service.client(), researcher(consent_service, patient)

    early = client.post(path(patient, "countersignature"), json=COUNTERSIGNATURE, headers=headers)
    assert early.status_code == 409 and "discussion" in early.get_json()["detail"]

    said = client.post(path(patient, "discussion"), json=DISCUSSION, headers=headers)
    assert said.status_code == 201, said.get_json()
    signed = client.post(path(patient, "countersignature"), json=COUNTERSIGNATURE, headers=headers)

    assert signed.status_code == 200, signed.get_json()
    assert signed.get_json()["status"] == "consented"
    assert texts(patient)[-1] == "consent_confirmation"
    # The confirming text links to the patient's copy: the link alone opens it (no cookie).
    [confirming] = [
        e.data for e in patient.events("consent.notification.requested")
        if e.data["kind"] == "consent_confirmation"
    ]  # fmt: skip
    copy = consent_service.client().get("/copy/" + confirming["link"].rsplit("/copy/", 1)[1])
    assert copy.status_code == 200 and copy.mimetype == "application/pdf"
    kept = client.get(path(patient, "attestations"), headers=headers).get_json()["items"]
    assert [a["kind"] for a in kept] == ["discussion", "countersignature"]
    assert kept[0]["details"]["interpreter_name"] == "Mr H Singh"
    assert [a["verified"] for a in kept] == [True, True]
    # Someone edits the stored discussion afterwards: it no longer matches the chain.
    table = consent_attestations
    with consent_service.runtime.engine.begin() as conn:
        conn.execute(
            update(table)
            .where(table.c.id == kept[0]["id"])
            .values(details={**kept[0]["details"], "interpreter_name": "Someone Else"})
        )
    again = client.get(path(patient, "attestations"), headers=headers).get_json()["items"]
    assert [a["verified"] for a in again] == [False, True]
    page = consent_service.client()
    confirm_dob(page, patient.link())
    assert 'data-testid="awaiting-confirmation"' not in page.get(f"{patient.link()}/form").get_data(
        as_text=True
    )


def test_an_incomplete_discussion_is_a_problem_naming_each_field(
    consent_service: Service,
) -> None:
    patient, _ = signed_patient(consent_service)
    body: dict[str, Any] = {"mode": "video", "interpreter_language": "pa"}

    response = consent_service.client().post(
        path(patient, "discussion"), json=body, headers=researcher(consent_service, patient)
    )

    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    fields = {e["field"] for e in response.get_json()["errors"]}
    assert fields == {"researcher_name", "interpreter_name", "questions_answered"}
    assert patient.record().status == "awaiting_confirmation"


def test_a_coordinator_of_the_trial_cannot_countersign(consent_service: Service) -> None:
    patient, _ = signed_patient(consent_service)
    token = store_token(consent_service, "coordinator", trial_ids=[patient.trial_id])

    response = consent_service.client().post(
        path(patient, "countersignature"),
        json=COUNTERSIGNATURE,
        headers={"Authorization": f"Bearer {token}"},
    )

    assert response.status_code == 403
    assert patient.record().status == "awaiting_confirmation"


def test_consent_by_phone_from_a_callback_names_the_participant(
    consent_service: Service,
) -> None:
    patient = interested_patient(consent_service)
    body = {
        "participant_id": str(patient.participant_id),
        "form_version": 1,
        "language": "ur",
        "decision": "agreed",
        "answers": {"read_summary": True, "gp_records": True},
        **PEOPLE,
    }

    response = consent_service.client().post(
        f"/trials/{patient.trial_id}/phone-consent",
        json=body,
        headers=researcher(consent_service, patient),
    )

    assert response.status_code == 200, response.get_json()
    assert response.get_json()["status"] == "consented"
    assert response.get_json()["study_number"] == patient.record().study_number
    assert str(patient.participant_id) not in response.get_data(as_text=True)
    # The copy says it was given by phone, who read the form out and who witnessed it.
    copy = consent_service.client().get(
        f"/trials/{patient.trial_id}/consent-records/{patient.record().study_number}/signed-copy",
        headers=researcher(consent_service, patient),
    )
    assert copy.status_code == 200 and copy.mimetype == "application/pdf"
    text = " ".join(pdf_text(copy.data).split())
    assert "Dr R Patel" in text and "Mr J Okafor" in text


def test_stop_while_awaiting_the_team_withdraws_the_signed_patient(
    consent_service: Service,
) -> None:
    patient, _ = signed_patient(consent_service)

    consent_records.record_reply(
        consent_service.uow(), patient.participant_id, patient.trial_id, "stop"
    )

    assert patient.record().status == "withdrawn"
    assert texts(patient)[-1] == "withdrawal_receipt"


def test_the_fhir_export_shows_the_countersignature_as_verification_and_a_provenance(
    consent_service: Service,
) -> None:
    patient, _ = signed_patient(consent_service)
    client, headers = consent_service.client(), researcher(consent_service, patient)
    client.post(path(patient, "discussion"), json=DISCUSSION, headers=headers)
    client.post(path(patient, "countersignature"), json=COUNTERSIGNATURE, headers=headers)
    coordinator = store_token(consent_service, "coordinator", trial_ids=[patient.trial_id])

    exported = client.get(
        f"/trials/{patient.trial_id}/fhir", headers={"Authorization": f"Bearer {coordinator}"}
    ).get_data(as_text=True)

    resources: list[Any] = [e.resource for e in Bundle.model_validate_json(exported).entry or []]
    [consent] = [r for r in resources if r.get_resource_type() == "Consent"]
    [provenance] = [r for r in resources if r.get_resource_type() == "Provenance"]
    assert consent.status == "active"
    assert [v.verified for v in consent.verification or []] == [True]
    assert [t.reference for t in provenance.target] == [f"urn:uuid:{consent.id}"]
    assert [a.type.coding[0].code for a in provenance.agent] == ["performer", "verifier"]
    [signature] = provenance.signature or []
    assert signature.type[0].code == "1.2.840.10065.1.12.1.5"  # a verification signature
    with consent_service.uow() as uow:
        countersigned = uow.confirmation.attestations(patient.record().id)[-1]
    assert signature.data.hex() == countersigned.hash, "the hash the audit chain holds"
    assert "Mr H Singh" not in exported and str(PEOPLE["researcher_name"]) not in exported

"""A patient who said YES on a voice call may not read the form: the countersignature is
refused with a problem naming the witness's fields until a witness signs (decision 0032).
PostgreSQL, through Flask's test client."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from services.consent.service_layer import confirmation
from services.consent.service_layer import records as consent_records
from shared.auth.principal import Principal
from tests.integration.api.conftest import Service
from tests.integration.api.research_team import COUNTERSIGNATURE, DISCUSSION
from tests.integration.api.test_consent_page import (
    a_patient,
    a_trial_with_a_form,
    agree,
    confirm_dob,
)
from tests.integration.api.test_research_team_api import path, researcher

pytestmark = pytest.mark.integration
ADMIN = Principal(uuid.uuid4(), "admin", "admin")
WITNESS = {
    "witness_name": "Mr J Okafor",
    "witness_signature_typed": "Mr J Okafor",
    "witness_signature_ticked": True,
    "impartial": True,
    "read_by": "Dr R Patel",
    "read_at": (datetime.now(UTC) - timedelta(minutes=10)).isoformat(),
    "form_version": 1,
}


def test_a_countersignature_without_the_witness_is_a_problem_naming_the_witness_fields(
    consent_service: Service,
) -> None:
    patient = a_patient(consent_service, a_trial_with_a_form(consent_service))
    consent_records.record_reply(
        consent_service.uow(), patient.participant_id, patient.trial_id, "yes", "voice"
    )
    confirmation.set_requirement(consent_service.uow(), ADMIN, patient.trial_id, True)
    client = consent_service.client()
    confirm_dob(client, patient.link())
    agree(client, patient.link(), ["read_summary", "gp_records"])
    headers = researcher(consent_service, patient)
    client.post(path(patient, "discussion"), json=DISCUSSION, headers=headers)

    refused = client.post(path(patient, "countersignature"), json=COUNTERSIGNATURE, headers=headers)

    assert refused.status_code == 409 and refused.mimetype == "application/problem+json"
    problem = refused.get_json()
    assert problem["type"].endswith("/a-witness-must-sign")
    assert "voice call" in problem["detail"]
    assert {e["field"] for e in problem["errors"]} == {
        "witness_name",
        "witness_signature_typed",
        "witness_signature_ticked",
    }
    assert patient.record().status == "awaiting_confirmation"

    witnessed = client.post(path(patient, "witness"), json=WITNESS, headers=headers)
    done = client.post(path(patient, "countersignature"), json=COUNTERSIGNATURE, headers=headers)

    assert witnessed.status_code == 201, witnessed.get_json()
    assert done.status_code == 200 and patient.record().status == "consented"

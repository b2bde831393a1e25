"""The signed copy once the research team has confirmed (decisions 0031 and 0032), on
PostgreSQL through Flask's test client and read back with pdftotext: the patient's entry,
then the discussion, the witness, the representative and the countersignature with its
hash and its audit entry. The awaiting text's link opens the copy before and after."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from tests.integration.api.conftest import Service, store_token
from tests.integration.api.research_team import COUNTERSIGNATURE, DISCUSSION, REPRESENTATIVE
from tests.integration.api.test_signed_copy import a_patient_of_a_signing_trial, sign, signed_in
from tests.support.signing import pdf_text

pytestmark = pytest.mark.integration
UK_TIME = r"\d\d/\d\d/\d{4} \d\d:\d\d (GMT|BST)"


def test_the_copy_after_the_countersignature_shows_the_research_teams_confirmation(
    consent_service: Service,
) -> None:
    patient = a_patient_of_a_signing_trial(consent_service, "typed", language="en")
    admin = store_token(consent_service, "admin")
    api = consent_service.client()
    required = api.put(
        f"/trials/{patient.trial_id}/confirmation",
        json={"required": True},
        headers={"Authorization": f"Bearer {admin}"},
    )
    assert required.status_code == 200, required.get_data(as_text=True)
    client, link = signed_in(consent_service, patient)
    assert (
        sign(client, link, "en", typed_name="Amina Begum", typed_confirm="yes").status_code == 303
    )
    assert patient.record().status == "awaiting_confirmation"

    # The awaiting text carries a link to the copy of what the patient signed.
    [awaiting] = [
        e.data for e in patient.events("consent.notification.requested")
        if e.data["kind"] == "consent_awaiting_confirmation"
    ]  # fmt: skip
    awaiting_path = "/copy/" + awaiting["link"].rsplit("/copy/", 1)[1]
    before = pdf_text(consent_service.client().get(awaiting_path).data)
    assert "Amina Begum" in before and "Confirmed by the research team" not in before

    researcher = store_token(consent_service, "researcher", trial_ids=[patient.trial_id])
    headers = {"Authorization": f"Bearer {researcher}"}
    record = f"/trials/{patient.trial_id}/consent-records/{patient.record().study_number}"
    witness = {
        "witness_name": "Mr J Okafor",
        "witness_signature_typed": "Mr J Okafor",
        "witness_signature_ticked": True,
        "impartial": True,
        "read_by": "Dr R Patel",
        "read_at": (datetime.now(UTC) - timedelta(minutes=10)).isoformat(),
        "form_version": 1,
    }
    for action, body in (
        ("discussion", DISCUSSION),
        ("witness", witness),
        ("representative", REPRESENTATIVE),
    ):
        done = api.post(f"{record}/{action}", json=body, headers=headers)
        assert done.status_code == 201, (action, done.get_json())
    signed = api.post(f"{record}/countersignature", json=COUNTERSIGNATURE, headers=headers)
    assert signed.status_code == 200, signed.get_json()
    kept = api.get(f"{record}/attestations", headers=headers).get_json()["items"]
    countersignature = next(a for a in kept if a["kind"] == "countersignature")
    with consent_service.uow() as uow:
        history = uow.audit.history(patient.record().id)
    [countersigned] = [e for e in history if e.action == "countersigned"]
    [patients] = [e for e in history if e.signature_hash]  # the patient signed

    [confirming] = [
        e.data for e in patient.events("consent.notification.requested")
        if e.data["kind"] == "consent_confirmation"
    ]  # fmt: skip
    copy = consent_service.client().get("/copy/" + confirming["link"].rsplit("/copy/", 1)[1])

    assert copy.status_code == 200 and copy.mimetype == "application/pdf"
    text = pdf_text(copy.data)
    flat = re.sub(r"\s+", "", text)
    # The patient's own entry is still the one the copy names as their consent.
    assert "Amina Begum" in text and patients.hash in flat
    team = text[text.index("Confirmed by the research team") :]
    for words in (
        "Consent discussion (UK time)",
        "By video",
        "Dr R Patel",
        "Mr H Singh",
        "Punjabi",  # the interpreter's language
        "Witness",
        "Mr J Okafor",
        "Read aloud by",
        "Legal representative",
        "Mrs A Khan",
        "Countersigned by",
        "Signed by typing the name",
        "Countersigned (UK time)",
    ):
        assert words in team, words
    assert len(re.findall(UK_TIME, team)) == 2  # the discussion and the countersignature
    team_flat = re.sub(r"\s+", "", team)
    assert countersignature["hash"] in team_flat and countersigned.hash in team_flat
    assert f"#{countersigned.seq}countersignedresearcher:" in team_flat  # its actor, wrapped
    # The awaiting text's link shows the same agreement, now with the team's part.
    assert "Mr H Singh" in pdf_text(consent_service.client().get(awaiting_path).data)

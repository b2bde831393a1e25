"""Signing and the signed copy on PostgreSQL through Flask's test client (no JavaScript): a
typed name with a tick, a drawn signature as the script sends it, the hash in the audit
chain, the PDF/A copy in Bengali from the page, from the copy link and for the team."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from flask.testing import FlaskClient

from services.consent.service_layer import audit
from shared.web.csrf import FIELD
from tests.integration.api.conftest import SEED, Service, store_token
from tests.integration.api.test_consent_page import (
    Patient,
    a_patient,
    a_trial_with_a_form,
    confirm_dob,
    csrf,
)
from tests.support.signing import (
    A_DRAWING,
    BN_WHOLE_WORDS,
    english_and_bengali_form,
    pdf_info,
    pdf_text,
)

pytestmark = pytest.mark.integration


def a_patient_of_a_signing_trial(service: Service, mode: str, language: str = "bn") -> Patient:
    trial_id = a_trial_with_a_form(service, **english_and_bengali_form())
    admin = store_token(service, "admin")
    answer = service.client().put(
        f"/trials/{trial_id}/signature",
        json={"signature": mode},
        headers={"Authorization": f"Bearer {admin}"},
    )
    assert answer.status_code == 200, answer.get_data(as_text=True)
    patient = a_patient(service, trial_id, language)
    from services.consent.service_layer import records as consent_records

    consent_records.record_reply(service.uow(), patient.participant_id, trial_id, "yes")
    return patient


def sign(client: FlaskClient, link: str, lang: str, **fields: Any) -> Any:
    token = csrf(client, f"{link}/form?lang={lang}")
    data = {
        FIELD: token,
        "decision": "agreed",
        "items": ["read_summary", "gp_records"],
        "form_version": "1",
        "lang": lang,
        **fields,
    }
    return client.post(f"{link}/form", data=data)


def signed_in(service: Service, patient: Patient) -> tuple[FlaskClient, str]:
    client = service.client()
    link = patient.link()
    assert confirm_dob(client, link).status_code == 303
    return client, link


def test_without_javascript_a_typed_name_and_tick_sign_and_the_chain_holds_only_the_hash(
    consent_service: Service,
) -> None:
    patient = a_patient_of_a_signing_trial(consent_service, "drawn_or_typed")
    client, link = signed_in(consent_service, patient)

    form = client.get(f"{link}/form?lang=bn").get_data(as_text=True)
    assert 'name="typed_name"' in form and "signature.js" in form
    assert re.search(r'<script src="/static/consent/signature.js', form)
    unticked = sign(client, link, "bn", typed_name="আমিনা বেগম")
    assert unticked.status_code == 400
    assert 'href="#signature"' in unticked.get_data(as_text=True)
    assert patient.record().status == "link_sent"

    done = sign(client, link, "bn", typed_name="আমিনা বেগম", typed_confirm="yes")

    assert done.status_code == 303
    assert patient.record().status == "consented"
    with consent_service.uow() as uow:
        record = patient.record()
        signature = uow.signatures.latest(record.id)
        entry = uow.audit.history(record.id)[-1]
    assert signature.kind == "typed" and signature.typed_name == "আমিনা বেগম"
    assert signature.verifies() and entry.signature_hash == signature.sha256
    assert "আমিনা" not in repr(entry.__dict__)
    verification = audit.verify_chains(consent_service.uow, SEED, patient.trial_id)
    assert verification.intact and verification.checked == 1
    page = client.get(f"{link}/form?lang=bn").get_data(as_text=True)
    assert re.search(r"\d\d/\d\d/\d{4} \d\d:\d\d (GMT|BST)", page)
    assert f"{link}/copy.pdf" in page


def test_a_drawn_signature_is_kept_as_path_data_and_a_bad_one_is_refused(
    consent_service: Service,
) -> None:
    patient = a_patient_of_a_signing_trial(consent_service, "drawn", language="en")
    client, link = signed_in(consent_service, patient)

    assert 'name="typed_name"' not in client.get(f"{link}/form").get_data(as_text=True)
    bad = sign(client, link, "en", signature_kind="drawn", drawing="<svg onload=alert(1)>")
    assert bad.status_code == 400 and patient.record().status == "link_sent"
    typed = sign(client, link, "en", typed_name="Amina Begum", typed_confirm="yes")
    assert typed.status_code == 400 and patient.record().status == "link_sent"

    assert sign(client, link, "en", signature_kind="drawn", drawing=A_DRAWING).status_code == 303
    with consent_service.uow() as uow:
        signature = uow.signatures.latest(patient.record().id)
    assert signature.kind == "drawn" and signature.drawing == A_DRAWING


def test_the_bengali_copy_is_pdf_a_with_bengali_words_the_hashes_and_the_signature(
    consent_service: Service,
) -> None:
    patient = a_patient_of_a_signing_trial(consent_service, "drawn_or_typed")
    client, link = signed_in(consent_service, patient)
    sign(client, link, "bn", signature_kind="drawn", drawing=A_DRAWING)
    with consent_service.uow() as uow:
        record = patient.record()
        form = uow.forms.form(patient.trial_id, 1)
        entry = uow.audit.history(record.id)[-1]
        signature = uow.signatures.latest(record.id)

    copy = client.get(f"{link}/copy.pdf?lang=bn")

    assert copy.status_code == 200 and copy.mimetype == "application/pdf"
    assert "attachment" in copy.headers["Content-Disposition"]
    text = pdf_text(copy.data)
    for word in BN_WHOLE_WORDS:
        assert word in text, word
    flat = re.sub(r"\s+", "", text)
    assert form.content_hash in flat and entry.hash in flat and signature.sha256 in flat
    assert record.study_number in text
    assert re.search(r"\d\d/\d\d/\d{4} \d\d:\d\d (GMT|BST)", text)
    assert "pdfaid:part" in pdf_info(copy.data) or b"pdfaid:part" in copy.data


def test_the_copy_link_in_the_confirming_text_opens_that_copy_for_a_while(
    consent_service: Service,
) -> None:
    patient = a_patient_of_a_signing_trial(consent_service, "typed", language="en")
    client, link = signed_in(consent_service, patient)
    sign(client, link, "en", typed_name="Amina Begum", typed_confirm="yes")

    [confirmation] = [
        e
        for e in patient.events("consent.notification.requested")
        if e.data["kind"] == "consent_confirmation"
    ]
    url = confirmation.data["link"]
    assert url.startswith("http://consent.test/copy/")
    path = "/copy/" + url.rsplit("/copy/", 1)[1]
    stranger = consent_service.client()  # no cookie: the link alone opens the copy

    opened = stranger.get(path)
    assert opened.status_code == 200 and opened.mimetype == "application/pdf"
    assert "Amina Begum" in pdf_text(opened.data)
    assert stranger.get(path[:-2] + "AA").status_code == 404
    token = path.rsplit("/", 1)[1]
    assert stranger.get(f"/c/{token}").status_code == 404  # not a consent link
    # Without the verified cookie the page's own copy sends the patient to the date of birth.
    assert stranger.get(f"{link}/copy.pdf").status_code == 303


def test_the_research_team_downloads_the_copy_of_their_trial_only(
    consent_service: Service,
) -> None:
    patient = a_patient_of_a_signing_trial(consent_service, "typed", language="en")
    client, link = signed_in(consent_service, patient)
    sign(client, link, "en", typed_name="Amina Begum", typed_confirm="yes")
    number = patient.record().study_number
    theirs = store_token(consent_service, "coordinator", trial_ids=[patient.trial_id])
    others = store_token(consent_service, "coordinator", trial_ids=[uuid.uuid4()])
    staff = store_token(consent_service, "staff", practices=["M85001"])
    path = f"/trials/{patient.trial_id}/consent-records/{number}/signed-copy"
    api = consent_service.client()

    mine = api.get(path, headers={"Authorization": f"Bearer {theirs}"})
    assert mine.status_code == 200 and mine.mimetype == "application/pdf"
    assert api.get(path, headers={"Authorization": f"Bearer {others}"}).status_code in (403, 404)
    assert api.get(path, headers={"Authorization": f"Bearer {staff}"}).status_code == 403
    missing = path.replace(number, "NOPE-000000")
    problem = api.get(missing, headers={"Authorization": f"Bearer {theirs}"})
    assert problem.status_code == 404 and problem.mimetype == "application/problem+json"


def test_where_the_team_must_confirm_the_signature_is_sealed_into_the_awaiting_entry(
    consent_service: Service,
) -> None:
    patient = a_patient_of_a_signing_trial(consent_service, "typed", language="en")
    admin = store_token(consent_service, "admin")
    required = consent_service.client().put(
        f"/trials/{patient.trial_id}/confirmation",
        json={"required": True},
        headers={"Authorization": f"Bearer {admin}"},
    )
    assert required.status_code == 200, required.get_data(as_text=True)
    client, link = signed_in(consent_service, patient)

    sign(client, link, "en", typed_name="Amina Begum", typed_confirm="yes")

    assert patient.record().status == "awaiting_confirmation"
    with consent_service.uow() as uow:
        record = patient.record()
        signature = uow.signatures.latest(record.id)
        entry = uow.audit.history(record.id)[-1]
    assert entry.to_status == "awaiting_confirmation"
    assert entry.signature_hash == signature.sha256
    copy = client.get(f"{link}/copy.pdf")
    assert copy.status_code == 200 and "Amina Begum" in pdf_text(copy.data)

"""The identity check on PostgreSQL: a locked-out patient is told so in their language; the
practice's staff see the lock, lift it or send a new link, each in the audit chain; a trial
that asks for a one-time code texts one and the page asks for it."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any

import pytest

from services.consent.domain.audit import first_broken
from services.consent.domain.links import MAX_DOB_FAILURES
from shared.web.csrf import FIELD
from tests.integration.api.conftest import Service, store_token
from tests.integration.api.test_consent_page import (
    Patient,
    confirm_dob,
    csrf,
    interested_patient,
)
from tests.support.settings import DOB_KEY

pytestmark = pytest.mark.integration

WRONG = date(1971, 1, 1)


def lock_out(service: Service, patient: Patient) -> tuple[Any, str, str]:
    """Too many wrong dates; and a form token from before, as a browser still holds it."""
    client = service.client()
    link = patient.link()
    opened = csrf(client, link)
    for _ in range(MAX_DOB_FAILURES):
        confirm_dob(client, link, WRONG, token=opened)
    return client, link, opened


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def chain(patient: Patient) -> list[Any]:
    with patient.service.uow() as uow:
        record = uow.records.record(patient.participant_id, patient.trial_id)
        history = list(uow.audit.history(record.id))
        assert first_broken(history, head=(record.last_seq, record.last_hash)) is None
        return history


def test_a_locked_out_patient_is_told_so_in_their_language(consent_service: Service) -> None:
    patient = interested_patient(consent_service, language="ur")
    client, link, opened = lock_out(consent_service, patient)

    page = confirm_dob(client, link, token=opened).get_data(as_text=True)  # right, too late
    reopened = consent_service.client().get(link).get_data(as_text=True)  # another day

    assert "بہت زیادہ کوششیں" in reopened and 'name="day"' not in reopened
    assert "بہت زیادہ کوششیں" in page  # "Too many tries"
    assert "جی پی پریکٹس" in page  # what to do next: the GP practice
    assert "ہم آپ کی معلومات کی تصدیق نہیں کر سکے" not in page  # not "could not confirm"
    assert [e.action for e in chain(patient)][-1] == "identity_locked"


def test_practice_staff_see_the_lock_and_lift_it_and_the_chain_says_so(
    consent_service: Service,
) -> None:
    patient = interested_patient(consent_service, language="en")
    client, link, _ = lock_out(consent_service, patient)
    staff = store_token(consent_service, "staff", ["M85001"])
    other_staff = store_token(consent_service, "staff", ["M85002"])
    api = consent_service.client()
    path = f"/participants/{patient.participant_id}"

    seen = api.get(f"{path}/consent", headers=auth(staff)).get_json()
    hidden = api.get(f"{path}/consent", headers=auth(other_staff))
    refused = api.post(
        f"{path}/trials/{patient.trial_id}/lock/lift", headers=auth(other_staff), json={}
    )
    lifted = api.post(
        f"{path}/trials/{patient.trial_id}/lock/lift",
        headers=auth(staff),
        json={"reason": "patient_phoned"},
    )
    after = api.get(f"{path}/consent", headers=auth(staff)).get_json()

    [trial] = seen["trials"]
    assert trial["locked_until"] is not None and trial["link_live"] is True
    # Only the practice links the study number back to its patient.
    assert trial["study_number"] == "T-000001" and trial["short_name"] == "T"
    changes = patient.events("consent.status.changed")
    assert changes and {e.data["study_number"] for e in changes} == {"T-000001"}
    assert hidden.status_code == 404 and refused.status_code == 404
    assert lifted.get_json() == {"lifted": True}
    assert after["trials"][0]["locked_until"] is None
    assert confirm_dob(client, link).headers["Location"].endswith("/form?lang=en")
    actions = [e.action for e in chain(patient)]
    assert actions[-2:] == ["identity_locked", "identity_lock_lifted"]
    assert chain(patient)[-1].actor.startswith("staff:")  # the token's id, nothing personal
    assert chain(patient)[-1].reason == "patient_phoned"


def test_staff_send_a_new_link_and_the_old_one_stops_working(consent_service: Service) -> None:
    patient = interested_patient(consent_service, language="en")
    old = patient.link()
    staff = store_token(consent_service, "staff", ["M85001"])
    api = consent_service.client()

    sent = api.post(
        f"/participants/{patient.participant_id}/trials/{patient.trial_id}/new-link",
        headers=auth(staff),
        json={},
    )

    assert sent.get_json() == {"sent": True}
    assert patient.link() != old
    assert api.get(old).status_code == 404
    assert api.get(patient.link()).status_code == 200
    assert [e.action for e in chain(patient)][-1] == "link_reissued"


def test_a_trial_with_a_one_time_code_texts_one_and_asks_for_it(consent_service: Service) -> None:
    patient = interested_patient(consent_service, language="en")
    admin = store_token(consent_service, "admin")
    api = consent_service.client()
    chosen = api.put(
        f"/trials/{patient.trial_id}/identity-check",
        json={"identity_check": "dob_and_code"},
        headers=auth(admin),
    )
    client = consent_service.client()
    link = patient.link()

    after_dob = confirm_dob(client, link)
    [texted] = [
        e
        for e in patient.events("consent.notification.requested")
        if e.data["kind"] == "identity_code"
    ]
    code = texted.data["code"]
    form_before_code = client.get(f"{link}/form")
    wrong = client.post(
        f"{link}/code", data={FIELD: csrf(client, f"{link}/code"), "code": "x" + code}
    )
    right = client.post(f"{link}/code", data={FIELD: csrf(client, f"{link}/code"), "code": code})

    assert chosen.status_code == 200
    assert after_dob.headers["Location"].endswith("/code?lang=en")
    assert re.fullmatch(r"\d{6}", code)
    assert form_before_code.status_code == 303  # the date of birth alone is not enough
    assert "That code did not work" in wrong.get_data(as_text=True)
    assert right.headers["Location"].endswith("/form?lang=en")
    assert client.get(f"{link}/form").status_code == 200
    with consent_service.uow() as uow:  # the code itself is not kept, only its keyed hash
        [live] = uow.consent_links.live_links(patient.participant_id, patient.trial_id)
        assert live.code_hash is None
    assert DOB_KEY not in str(texted.data)


def test_a_patient_invited_by_call_alone_is_told_the_code_comes_by_call(
    consent_service: Service,
) -> None:
    patient = interested_patient(consent_service, language="bn")
    admin = store_token(consent_service, "admin")
    consent_service.client().put(
        f"/trials/{patient.trial_id}/identity-check",
        json={"identity_check": "dob_and_code"},
        headers=auth(admin),
    )
    with consent_service.uow() as uow:  # messaging's status event: the invitation was a call
        uow.reporting.note_contact(
            patient.trial_id, patient.participant_id, "voice", True, datetime.now(UTC)
        )
        uow.commit()
    client = consent_service.client()
    link = patient.link()

    confirm_dob(client, link)
    [asked] = [
        e
        for e in patient.events("consent.notification.requested")
        if e.data["kind"] == "identity_code"
    ]
    page = client.get(f"{link}/code?lang=en").get_data(as_text=True)
    wrong = client.post(
        f"{link}/code?lang=en", data={FIELD: csrf(client, f"{link}/code"), "code": "x"}
    )

    assert asked.data["spoken"] is True
    assert "Enter the code we said on the phone" in page
    assert "texted" not in page
    assert "go back to get a new call" in wrong.get_data(as_text=True)

"""A letter's way to the consent page on PostgreSQL: the short link, the date of birth, then the
code printed on the letter (never a texted one), which counts as the patient's YES."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from flask.testing import FlaskClient

from services.consent.service_layer import letters as consent_letters
from shared.events.commands import LetterRequested
from shared.web.csrf import FIELD
from tests.integration.api.conftest import Service
from tests.integration.api.test_consent_page import (
    DOB,
    a_patient,
    a_trial_with_a_form,
    confirm_dob,
    csrf,
)

pytestmark = pytest.mark.integration


def a_letter_for(service: Service, language: str = "ur") -> tuple[Any, dict[str, Any]]:
    patient = a_patient(service, a_trial_with_a_form(service), language)
    ask = LetterRequested(uuid.uuid4(), patient.participant_id, patient.trial_id)
    consent_letters.issue_letter_link(service.uow(), ask)
    [answer] = [
        e.data
        for e in patient.events("consent.notification.requested")
        if e.data["kind"] == "letter_link"
    ]
    return patient, answer


def path_of(url: str) -> str:
    return "/" + url.split("/", 3)[3]


def enter_code(client: FlaskClient, link: str, code: str, lang: str = "ur") -> Any:
    token = csrf(client, f"{link}/code?lang={lang}")
    return client.post(f"{link}/code", data={FIELD: token, "code": code, "lang": lang})


def test_the_short_link_leads_to_the_letters_consent_page(consent_service: Service) -> None:
    _, answer = a_letter_for(consent_service)
    client = consent_service.client()
    reference = answer["short_link"].rsplit("/", 1)[1]

    found = client.get(f"/l/{reference.lower()}")

    assert found.status_code == 303
    assert found.headers["Location"].endswith(path_of(answer["link"]))
    assert client.get("/l/AAAA-AAAA-AAAA").status_code == 404


def test_the_printed_code_after_the_date_of_birth_is_the_patients_yes(
    consent_service: Service,
) -> None:
    patient, answer = a_letter_for(consent_service)
    assert patient.record().status == "invited"
    client = consent_service.client()
    link = path_of(answer["link"])

    after_dob = confirm_dob(client, link, DOB)
    assert after_dob.status_code == 303 and after_dob.headers["Location"].startswith(f"{link}/code")
    code_page = client.get(f"{link}/code?lang=ur").get_data(as_text=True)
    assert "اپنے خط والا کوڈ درج کریں" in code_page  # "Enter the code from your letter"
    texted = [
        e
        for e in patient.events("consent.notification.requested")
        if e.data["kind"] != "letter_link"
    ]
    assert texted == []  # no code texted: the patient may have no mobile at all

    wrong = enter_code(client, link, "000000")
    assert "خط دیکھیں" in wrong.get_data(as_text=True)  # "check the letter"
    right = enter_code(client, link, f"{answer['code'][:3]} {answer['code'][3:]}")

    assert right.status_code == 303 and right.headers["Location"].startswith(f"{link}/form")
    assert patient.record().status == "link_sent"
    statuses = [e.data["status"] for e in patient.events("consent.status.changed")]
    assert statuses == ["invited", "interested", "link_sent"]
    with consent_service.uow() as uow:
        record = uow.records.record(patient.participant_id, patient.trial_id)
        history = list(uow.audit.history(record.id))
        assert [(e.to_status, e.channel) for e in history[-2:]] == [
            ("interested", "letter"),
            ("link_sent", "letter"),
        ]
    form = client.get(f"{link}/form?lang=ur")
    assert form.status_code == 200 and 'name="items"' in form.get_data(as_text=True)


def test_once_the_printed_code_is_used_the_link_works_as_a_texted_one(
    consent_service: Service,
) -> None:
    _, answer = a_letter_for(consent_service, language="en")
    link = path_of(answer["link"])
    first = consent_service.client()
    confirm_dob(first, link, DOB)
    assert enter_code(first, link, answer["code"], "en").status_code == 303

    second = consent_service.client()  # another day: the trial asks the date of birth only
    again = confirm_dob(second, link, DOB)
    assert again.headers["Location"].startswith(f"{link}/form")

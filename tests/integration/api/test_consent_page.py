"""The patient's consent page on PostgreSQL, through Flask's test client (no JavaScript at all).

From a YES to a signed link, the date-of-birth check and its lockout, agreeing or declining,
the copy, withdrawal by page and by SMS, and every way a link stops working.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle
from flask.testing import FlaskClient
from sqlalchemy import update

from services.consent.adapters.orm import consent_links
from services.consent.domain.links import MAX_DOB_FAILURES
from services.consent.entrypoints.handlers import HANDLERS
from services.consent.service_layer import forms as consent_forms
from services.consent.service_layer import participants as consent_participants
from services.consent.service_layer import records as consent_records
from services.consent.service_layer.unit_of_work import SqlConsentUnitOfWork
from shared.dob import keyed_dob_hash
from shared.events import Event
from shared.events.commands import ParticipantShared, TrialCreated
from shared.web.csrf import COOKIE, FIELD
from tests.integration.api.conftest import FORM_BODY, SEED, Service, store_token
from tests.support.settings import DOB_KEY

pytestmark = pytest.mark.integration

DOB = date(1970, 3, 4)


@dataclass
class Patient:
    participant_id: uuid.UUID
    trial_id: uuid.UUID
    service: Service

    def record(self) -> Any:
        with self.service.uow() as uow:
            return uow.records.record(self.participant_id, self.trial_id)

    def events(self, type_: str) -> list[Event]:
        return [
            e
            for e in self.service.outbox()
            if e.type == type_ and e.data["participant_id"] == self.participant_id
        ]

    def link(self) -> str:
        """The path of the newest link texted to this patient."""
        links = [
            e.data["link"]
            for e in self.events("consent.notification.requested")
            if e.data["kind"] == "consent_link"
        ]
        url = links[-1]
        return "/c/" + url.rsplit("/c/", 1)[1]


def deliver_link_chunks(service: Service) -> None:
    """Consent's own chunks of links after a publication, handled as its worker would."""
    for event in service.outbox():
        if event.type == consent_forms.LINKS_REQUESTED:
            HANDLERS[event.type](event, service.uow())


def without_nonces(html: str) -> str:
    """The page without its CSP nonces, which differ in every response by design."""
    return re.sub(r'nonce="[^"]+"', "", html)


def a_trial_with_a_form(service: Service, **form: Any) -> uuid.UUID:
    trial_id = uuid.uuid4()
    consent_participants.save_trial(
        service.uow(),
        TrialCreated(trial_id=trial_id, short_name="T", title="T", response_deadline_days=28),
    )
    draft = consent_forms.create_draft(service.uow(), SEED, trial_id, {**FORM_BODY, **form})
    consent_forms.publish(service.uow(), SEED, trial_id, draft.version, "REC 1")
    return trial_id


def a_patient(service: Service, trial_id: uuid.UUID, language: str = "ur") -> Patient:
    participant_id = uuid.uuid4()
    consent_participants.save_participant(
        service.uow(),
        ParticipantShared(
            participant_id=participant_id,
            practice_ods="M85001",
            mobile=None,
            textable=True,
            language=language,
            sex="male",
            age_band="60-69",
            ethnic_category="J",
            imd_decile=2,
            imd_edition=2019,
            dob_hash=keyed_dob_hash(DOB_KEY, DOB),
        ),
    )
    consent_records.record_invitations(service.uow(), trial_id, [participant_id], "M85001")
    return Patient(participant_id, trial_id, service)


def interested_patient(service: Service, language: str = "ur") -> Patient:
    patient = a_patient(service, a_trial_with_a_form(service), language)
    consent_records.record_reply(service.uow(), patient.participant_id, patient.trial_id, "yes")
    return patient


def csrf(client: FlaskClient, path: str) -> str:
    """Open a page (which sets the CSRF cookie) and read the token from its form."""
    html = client.get(path).get_data(as_text=True)
    found = re.search(rf'name="{FIELD}" value="([^"]+)"', html)
    assert found, html
    return found.group(1)


def confirm_dob(client: FlaskClient, link: str, when: date = DOB, token: str = "") -> Any:
    """Post a date of birth; with `token`, from a page opened before (a locked link's page
    has no form to read one from)."""
    token = token or csrf(client, link)
    return client.post(
        link,
        data={FIELD: token, "day": when.day, "month": when.month, "year": when.year},
    )


def agree(client: FlaskClient, link: str, items: list[str], decision: str = "agreed") -> Any:
    token = csrf(client, f"{link}/form")
    return client.post(
        f"{link}/form",
        data={
            FIELD: token,
            "decision": decision,
            "items": items,
            "form_version": "1",
            "lang": "ur",
        },
    )


def test_yes_texts_a_signed_link_and_the_record_moves_to_link_sent(
    consent_service: Service,
) -> None:
    patient = interested_patient(consent_service)

    assert patient.record().status == "link_sent"
    [notification] = patient.events("consent.notification.requested")
    assert notification.data["kind"] == "consent_link"
    assert notification.data["link"].startswith("http://consent.test/c/")
    statuses = [e.data["status"] for e in patient.events("consent.status.changed")]
    assert statuses == ["invited", "interested", "link_sent"]


def test_a_yes_before_any_form_is_published_gets_its_link_when_one_is(
    consent_service: Service,
) -> None:
    trial_id = uuid.uuid4()
    patient = a_patient(consent_service, trial_id)
    consent_records.record_reply(consent_service.uow(), patient.participant_id, trial_id, "yes")
    assert patient.record().status == "interested"
    assert patient.events("consent.notification.requested") == []

    draft = consent_forms.create_draft(consent_service.uow(), SEED, trial_id, FORM_BODY)
    _, texted = consent_forms.publish(consent_service.uow(), SEED, trial_id, draft.version, "REC 1")
    assert texted == 1
    assert patient.record().status == "interested", "the link follows on the bus"

    deliver_link_chunks(consent_service)

    assert patient.record().status == "link_sent"


def test_the_page_asks_for_the_date_of_birth_first_in_the_patients_language(
    consent_service: Service,
) -> None:
    patient = interested_patient(consent_service)
    client = consent_service.client()

    page = client.get(patient.link())
    html = page.get_data(as_text=True)

    assert page.status_code == 200
    assert 'lang="ur" dir="rtl"' in html
    assert "تاریخ پیدائش" in html
    assert 'name="day"' in html and "items" not in html
    # Without the check, the form itself sends the patient back to it.
    assert client.get(f"{patient.link()}/form").status_code == 303


def test_every_failed_date_of_birth_gets_the_same_answer_and_too_many_lock_the_link(
    consent_service: Service,
) -> None:
    patient = interested_patient(consent_service, language="en")
    client = consent_service.client()
    link = patient.link()

    answers = [
        confirm_dob(client, link, date(1971, 1, 1)).get_data(as_text=True),
        client.post(
            link, data={FIELD: csrf(client, link), "day": "31", "month": "2", "year": "x"}
        ).get_data(as_text=True),
    ]
    for _ in range(MAX_DOB_FAILURES - 3):
        confirm_dob(client, link, date(1971, 1, 1))
    opened = csrf(client, link)  # the page still open in the patient's browser
    locking = confirm_dob(client, link, date(1971, 1, 1)).get_data(as_text=True)
    locked = confirm_dob(client, link, token=opened)  # the right date, but locked now

    def message(html: str) -> str:
        return re.sub(r'value="[^"]+"', "", without_nonces(html))

    assert "We could not confirm your details" in answers[0]
    assert message(answers[0]) == message(answers[1])
    # Locked: told so, and what to do next, not "could not confirm" again.
    for html in (locking, locked.get_data(as_text=True)):
        assert "Too many tries" in html and "contact your GP practice" in html
        assert "We could not confirm your details" not in html
    assert locked.status_code == 200 and "Location" not in locked.headers
    assert client.get(f"{link}/form").status_code == 303


def test_agreeing_needs_every_mandatory_item_and_records_nothing_until_then(
    consent_service: Service,
) -> None:
    patient = interested_patient(consent_service)
    client = consent_service.client()
    confirm_dob(client, patient.link())

    refused = agree(client, patient.link(), ["read_summary"])

    assert refused.status_code == 400
    assert "ضروری" in refused.get_data(as_text=True)
    assert patient.record().status == "link_sent"


def test_agreeing_records_consent_with_the_form_version_and_texts_a_confirmation(
    consent_service: Service,
) -> None:
    patient = interested_patient(consent_service)
    client = consent_service.client()
    assert confirm_dob(client, patient.link()).status_code == 303

    done = agree(client, patient.link(), ["read_summary", "gp_records"])
    copy = client.get(f"{patient.link()}/form?lang=ur").get_data(as_text=True)

    assert done.status_code == 303
    record = patient.record()
    assert (record.status, record.form_version) == ("consented", 1)
    kinds = [e.data["kind"] for e in patient.events("consent.notification.requested")]
    assert kinds == ["consent_link", "consent_confirmation"]
    assert 'data-testid="copy-version">1<' in copy
    assert "آپ متفق نہیں ہیں" in copy  # the optional item they left unticked
    with consent_service.uow() as uow:
        [response] = uow.responses.responses(record.id)
        form = uow.forms.form(patient.trial_id, 1)
    assert response.items == {"read_summary": True, "gp_records": True, "future_studies": False}
    assert response.form_hash == form.content_hash and form.verifies()


def test_declining_refuses_and_the_page_says_so(consent_service: Service) -> None:
    patient = interested_patient(consent_service, language="en")
    client = consent_service.client()
    confirm_dob(client, patient.link())

    agree(client, patient.link(), [], decision="declined")

    assert patient.record().status == "refused"
    page = client.get(f"{patient.link()}/form?lang=en").get_data(as_text=True)
    assert "You have said no" in page


def test_withdrawing_on_the_page_says_what_happens_to_data_and_texts_a_receipt(
    consent_service: Service,
) -> None:
    patient = interested_patient(consent_service, language="en")
    client = consent_service.client()
    confirm_dob(client, patient.link())
    agree(client, patient.link(), ["read_summary", "gp_records"])

    explained = client.get(f"{patient.link()}/withdraw?lang=en").get_data(as_text=True)
    token = re.search(rf'name="{FIELD}" value="([^"]+)"', explained)
    assert token
    client.post(f"{patient.link()}/withdraw", data={FIELD: token.group(1)})

    assert "already collected" in explained
    assert patient.record().status == "withdrawn"
    kinds = [e.data["kind"] for e in patient.events("consent.notification.requested")]
    assert kinds[-1] == "withdrawal_receipt"


def test_stop_by_sms_after_consent_withdraws(consent_service: Service) -> None:
    patient = interested_patient(consent_service, language="en")
    client = consent_service.client()
    confirm_dob(client, patient.link())
    agree(client, patient.link(), ["read_summary", "gp_records"])

    consent_records.record_reply(
        consent_service.uow(), patient.participant_id, patient.trial_id, "stop"
    )
    consent_records.record_opt_out(consent_service.uow(), patient.participant_id)

    history = patient.events("consent.status.changed")
    assert patient.record().status == "withdrawn"
    assert [e.data["status"] for e in history][-2:] == ["consented", "withdrawn"]


def test_a_tampered_link_an_unknown_one_and_a_revoked_one_all_look_the_same(
    consent_service: Service,
) -> None:
    patient = interested_patient(consent_service, language="en")
    client = consent_service.client()
    link = patient.link()
    head, signature = link.removeprefix("/c/").split(".")
    tampered = f"/c/{head}.{signature[:-2]}{'AA' if signature[-2:] != 'AA' else 'BB'}"
    unknown_id = uuid.uuid4()
    with consent_service.uow() as uow:
        unknown = "/c/" + uow.links.signer.token(unknown_id)

    admin = store_token(consent_service, "admin")
    revoked = client.post(
        f"/admin/trials/{patient.trial_id}/participants/{patient.participant_id}/link/revoke",
        json={"reason": "sent to the wrong number"},
        headers={"Authorization": f"Bearer {admin}"},
    )

    assert revoked.get_json() == {"revoked": 1}
    pages = [client.get(path) for path in (tampered, unknown, link)]
    assert {p.status_code for p in pages} == {404}
    assert len({without_nonces(p.get_data(as_text=True)) for p in pages}) == 1
    assert "This link does not work" in pages[0].get_data(as_text=True)


def test_an_expired_link_stops_working(consent_service: Service) -> None:
    patient = interested_patient(consent_service, language="en")
    with consent_service.runtime.engine.begin() as conn:
        conn.execute(
            update(consent_links)
            .where(consent_links.c.participant_id == patient.participant_id)
            .values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )

    assert consent_service.client().get(patient.link()).status_code == 404


def test_a_new_link_revokes_the_older_one(consent_service: Service) -> None:
    from services.consent.service_layer import outreach

    patient = interested_patient(consent_service, language="en")
    first = patient.link()
    with consent_service.uow() as uow:
        record = uow.records.record(patient.participant_id, patient.trial_id)
        outreach.offer_link(uow, record)
        uow.commit()

    client = consent_service.client()
    assert client.get(first).status_code == 404
    assert client.get(patient.link()).status_code == 200


def test_a_form_post_without_the_csrf_token_is_refused(consent_service: Service) -> None:
    patient = interested_patient(consent_service, language="en")
    client = consent_service.client()
    client.get(patient.link())
    assert client.get_cookie(COOKIE) is not None

    response = client.post(patient.link(), data={"day": "4", "month": "3", "year": "1970"})

    assert response.status_code == 403
    assert patient.record().status == "link_sent"


def test_a_new_form_version_that_requires_it_asks_those_who_agreed_to_agree_again(
    consent_service: Service,
) -> None:
    patient = interested_patient(consent_service, language="en")
    client = consent_service.client()
    confirm_dob(client, patient.link())
    agree(client, patient.link(), ["read_summary", "gp_records"])

    draft = consent_forms.create_draft(
        consent_service.uow(), SEED, patient.trial_id, {**FORM_BODY, "requires_reconsent": True}
    )
    _, texted = consent_forms.publish(
        consent_service.uow(), SEED, patient.trial_id, draft.version, "REC 1"
    )
    deliver_link_chunks(consent_service)
    client = consent_service.client()
    confirm_dob(client, patient.link())
    page = client.get(f"{patient.link()}/form?lang=en").get_data(as_text=True)
    token = re.search(rf'name="{FIELD}" value="([^"]+)"', page)
    assert token
    client.post(
        f"{patient.link()}/form",
        data={
            FIELD: token.group(1),
            "decision": "agreed",
            "items": ["read_summary", "gp_records"],
            "form_version": str(draft.version),
        },
    )

    assert texted == 1
    assert "The study has changed" in page
    record = patient.record()
    assert (record.status, record.form_version) == ("consented", draft.version)
    with consent_service.uow() as uow:
        actions = [e.action for e in uow.audit.history(record.id)]
    assert actions[-1] == "reconsented"


def test_a_published_form_never_changes(consent_service: Service) -> None:
    trial_id = a_trial_with_a_form(consent_service)
    admin = store_token(consent_service, "admin")
    client = consent_service.client()

    response = client.put(
        f"/trials/{trial_id}/forms/1", json=FORM_BODY, headers={"Authorization": f"Bearer {admin}"}
    )
    published = client.get(
        f"/trials/{trial_id}/forms/1", headers={"Authorization": f"Bearer {admin}"}
    ).get_json()

    assert response.status_code == 409
    assert len(published["content_hash"]) == 64 and published["status"] == "published"


def test_records_that_never_answered_expire_after_the_trials_deadline(
    consent_service: Service,
) -> None:
    trial_id = a_trial_with_a_form(consent_service)
    waiting = a_patient(consent_service, trial_id)
    answered = a_patient(consent_service, trial_id)
    consent_records.record_reply(consent_service.uow(), answered.participant_id, trial_id, "no")

    def uow() -> SqlConsentUnitOfWork:
        made: SqlConsentUnitOfWork = consent_service.uow()
        return made

    consent_records.expire_overdue(uow, now=datetime.now(UTC) + timedelta(days=27))
    assert waiting.record().status == "invited"
    consent_records.expire_overdue(uow, now=datetime.now(UTC) + timedelta(days=29))

    assert waiting.record().status == "expired"
    assert answered.record().status == "declined"


def test_a_twenty_digit_year_is_answered_as_any_wrong_date_in_the_patients_language(
    consent_service: Service,
) -> None:
    patient = interested_patient(consent_service, language="ur")
    client = consent_service.client()
    link = patient.link()

    response = client.post(
        link,
        data={FIELD: csrf(client, link), "lang": "ur", "day": "4", "month": "3", "year": "9" * 20},
    )

    assert response.status_code == 200
    assert "ہم آپ کی معلومات کی تصدیق نہیں کر سکے" in response.get_data(as_text=True)


def _fhir_consents(exported: str) -> list[Any]:
    """The Consent resources of a FHIR export, validated by fhir.resources. (Any: it types
    an entry's resource as its base class.)"""
    resources: list[Any] = [
        entry.resource for entry in Bundle.model_validate_json(exported).entry or []
    ]
    return [r for r in resources if r.get_resource_type() == "Consent"]


def test_an_agreement_is_exported_as_fhir_with_a_provision_per_item_as_answered(
    consent_service: Service,
) -> None:
    patient = interested_patient(consent_service)
    client = consent_service.client()
    confirm_dob(client, patient.link())
    agree(client, patient.link(), ["read_summary", "gp_records"])  # not future_studies
    coordinator = store_token(consent_service, "coordinator", trial_ids=[patient.trial_id])

    exported = client.get(
        f"/trials/{patient.trial_id}/fhir", headers={"Authorization": f"Bearer {coordinator}"}
    )

    [consent] = _fhir_consents(exported.get_data(as_text=True))
    assert (consent.status, consent.provision.type) == ("active", "permit")
    answered = {p.code[0].coding[0].code: p.type for p in consent.provision.provision or []}
    assert answered == {"read_summary": "permit", "gp_records": "permit", "future_studies": "deny"}
    assert {p.code[0].coding[0].system for p in consent.provision.provision or []} == {
        f"urn:trialreach:consent-form:{patient.trial_id}:v1:item"
    }

    withdraw = csrf(client, f"{patient.link()}/withdraw")
    client.post(f"{patient.link()}/withdraw", data={FIELD: withdraw})
    exported = client.get(
        f"/trials/{patient.trial_id}/fhir", headers={"Authorization": f"Bearer {coordinator}"}
    )
    [consent] = _fhir_consents(exported.get_data(as_text=True))
    assert (consent.status, consent.provision.type) == ("inactive", "deny")

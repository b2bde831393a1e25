"""Consent by phone on fakes: a researcher of the trial reads the form out before a witness
and records both names, the version and each answer."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from services.consent.domain import lifecycle
from services.consent.domain.audit import first_broken
from services.consent.service_layer import signed_copy
from services.consent.service_layer.by_phone import PhoneAnswers, take_consent
from shared.auth.principal import Principal
from shared.errors import Forbidden, InvalidInput, InvalidTransition
from tests.support.fakes.consent import FakeConsentUnitOfWork
from tests.support.fakes.consent_world import a_record_at, a_trial, researcher_of, texts

TRIAL, OTHER_TRIAL = uuid.uuid4(), uuid.uuid4()
NEEDED = ("read_summary", "gp_records")  # the form's mandatory items; future_studies is not

PEOPLE: dict[str, Any] = {
    "researcher_name": "Dr R Patel",
    "witness_name": "Mr J Okafor",
    "witness_confirms": True,
    "read_out": True,
}


def said(decision: str = "agreed", *ticked: str, **where: Any) -> PhoneAnswers:
    where = where or {"study_number": "DEMO-AF-000001"}
    return PhoneAnswers(1, "en", decision, frozenset(ticked or NEEDED), **where)


@pytest.fixture
def uow() -> FakeConsentUnitOfWork:
    found = FakeConsentUnitOfWork()
    a_trial(found, trial_id=TRIAL)
    return found


def researcher() -> Principal:
    return researcher_of(TRIAL)


@pytest.mark.parametrize("status", [lifecycle.INVITED, lifecycle.INTERESTED, lifecycle.LINK_SENT])
def test_a_patient_who_agrees_on_the_phone_is_consented(
    status: str, uow: FakeConsentUnitOfWork
) -> None:
    record = a_record_at(uow, TRIAL, status)

    take_consent(uow, researcher(), TRIAL, said(), PEOPLE)

    assert record.status == lifecycle.CONSENTED and record.form_version == 1
    [response] = uow.store.responses
    assert (
        response.items == {"read_summary": True, "gp_records": True, "future_studies": False}
        and response.decision == "agreed"
    )
    [kept] = uow.store.attestations
    assert kept.details["witness_name"] == "Mr J Okafor" and kept.details["form_version"] == 1
    entry = uow.store.audit[-1]
    assert (entry.action, entry.channel, entry.reason) == (
        "consented_by_phone",
        "phone",
        f"sha256:{kept.hash}",
    )
    assert "Okafor" not in repr(vars(entry))
    assert first_broken(uow.store.audit, head=(record.last_seq, record.last_hash)) is None
    assert texts(uow) == ["consent_confirmation"]
    [text] = uow.published("consent.notification.requested")
    [copy] = uow.store.copy_links.values()  # the patient's copy of what was read out
    assert text["link"] == uow.links.copy_url(copy.id) and copy.response_id == response.id


def test_where_the_trial_asks_the_phone_consent_awaits_confirmation_too(
    uow: FakeConsentUnitOfWork,
) -> None:
    uow.confirmation.set_required(TRIAL, None, True)
    record = a_record_at(uow, TRIAL, lifecycle.INTERESTED)

    take_consent(uow, researcher(), TRIAL, said(), PEOPLE)

    assert record.status == lifecycle.AWAITING_CONFIRMATION
    assert texts(uow) == ["consent_awaiting_confirmation"]
    # Its text shows the copy of the answers taken (messaging 0020's template has {link}).
    [text] = uow.published("consent.notification.requested")
    [copy] = uow.store.copy_links.values()
    [response] = uow.store.responses
    assert text["link"] == uow.links.copy_url(copy.id) and copy.response_id == response.id


def test_a_callback_finds_the_record_by_participant(uow: FakeConsentUnitOfWork) -> None:
    record = a_record_at(uow, TRIAL, lifecycle.INTERESTED)

    found = take_consent(
        uow,
        researcher(),
        TRIAL,
        said(participant_id=record.participant_id),
        PEOPLE,
    )

    assert found is record and record.status == lifecycle.CONSENTED


def test_saying_no_on_the_phone_is_a_refusal_with_no_text(uow: FakeConsentUnitOfWork) -> None:
    record = a_record_at(uow, TRIAL, lifecycle.LINK_SENT)

    take_consent(uow, researcher(), TRIAL, said("declined"), PEOPLE)

    assert record.status == lifecycle.REFUSED
    assert uow.store.audit[-1].action == "refused_by_phone"
    assert texts(uow) == []


def test_agreeing_needs_a_yes_to_every_needed_item(uow: FakeConsentUnitOfWork) -> None:
    record = a_record_at(uow, TRIAL, lifecycle.LINK_SENT)

    with pytest.raises(InvalidInput) as error:
        take_consent(
            uow, researcher(), TRIAL, said("agreed", "read_summary", "future_studies"), PEOPLE
        )

    assert [e.field for e in error.value.errors] == ["items.gp_records"]
    assert record.status == lifecycle.LINK_SENT


def test_the_witness_is_someone_other_than_the_researcher(uow: FakeConsentUnitOfWork) -> None:
    a_record_at(uow, TRIAL, lifecycle.LINK_SENT)
    people = {**PEOPLE, "witness_name": " dr r  patel "}

    with pytest.raises(InvalidInput) as error:
        take_consent(uow, researcher(), TRIAL, said(), people)

    assert {e.field for e in error.value.errors} == {"witness_name"}


def test_a_researcher_of_another_trial_cannot_take_consent(uow: FakeConsentUnitOfWork) -> None:
    a_record_at(uow, TRIAL, lifecycle.LINK_SENT)
    with pytest.raises(Forbidden):
        take_consent(uow, researcher_of(OTHER_TRIAL), TRIAL, said(), PEOPLE)


@pytest.mark.parametrize("status", [lifecycle.CONSENTED, lifecycle.REFUSED, lifecycle.OPTED_OUT])
def test_a_record_already_answered_or_closed_is_not_answered_by_phone(
    status: str, uow: FakeConsentUnitOfWork
) -> None:
    a_record_at(uow, TRIAL, status)
    with pytest.raises(InvalidTransition):
        take_consent(uow, researcher(), TRIAL, said(), PEOPLE)


def test_the_copy_of_a_phone_consent_names_who_read_it_out_and_who_witnessed_it(
    uow: FakeConsentUnitOfWork,
) -> None:
    record = a_record_at(uow, TRIAL, lifecycle.INTERESTED)
    take_consent(uow, researcher(), TRIAL, said(), PEOPLE)
    assert record.study_number is not None

    copy = signed_copy.for_team(uow, researcher(), TRIAL, record.study_number)

    assert copy.by_phone is not None and copy.signature is None
    assert (copy.by_phone.details["researcher_name"], copy.by_phone.details["witness_name"]) == (
        "Dr R Patel", "Mr J Okafor",
    )  # fmt: skip
    # An attestation changed afterwards no longer matches the chain: it is not shown.
    [kept] = uow.store.attestations
    kept.details["witness_name"] = "Someone Else"
    assert signed_copy.for_team(uow, researcher(), TRIAL, record.study_number).by_phone is None

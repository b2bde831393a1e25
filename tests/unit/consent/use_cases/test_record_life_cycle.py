"""A consent record's life through the fakes: invited, interested, a link, agreed, withdrawn;
cancelled batches, deadlines and corrections."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from services.consent.domain import lifecycle
from services.consent.domain.responses import AGREED
from services.consent.service_layer import audit, page, records
from shared.errors import Forbidden, InvalidTransition
from tests.support.fakes.consent import FakeConsentUnitOfWork
from tests.support.fakes.consent_world import (
    a_trial,
    coordinator_of,
    invited,
    publish_a_form,
    status,
    token,
)

STATUS, NOTIFY = "consent.status.changed", "consent.notification.requested"


@pytest.fixture
def uow() -> FakeConsentUnitOfWork:
    return FakeConsentUnitOfWork()


def test_an_invitation_opens_a_record_with_a_study_number_an_audit_entry_and_a_count(
    uow: FakeConsentUnitOfWork,
) -> None:
    trial = a_trial(uow)
    participant = invited(uow, trial)

    record = uow.records.record(participant, trial)
    assert record is not None and record.study_number == "HEART-000001"
    assert [e.to_status for e in uow.audit.history(record.id)] == [lifecycle.INVITED]
    assert uow.reporting.status_counts(trial) == {lifecycle.INVITED: 1}
    [event] = uow.published(STATUS)
    assert (event["status"], event["study_number"]) == (lifecycle.INVITED, "HEART-000001")


def test_yes_texts_a_link_and_agreeing_on_the_page_consents(uow: FakeConsentUnitOfWork) -> None:
    trial = a_trial(uow)
    participant = invited(uow, trial)

    records.record_reply(uow, participant, trial, "yes")
    assert status(uow, participant, trial) == lifecycle.LINK_SENT
    [link_text] = uow.published(NOTIFY)
    assert link_text["kind"] == "consent_link" and link_text["link"].startswith(
        "https://consent.test/c/"
    )

    shown = page.view(uow, token(uow, participant, trial))
    assert shown.state == page.ASKING and shown.form is not None
    mandatory = shown.form.mandatory_keys()
    page.respond(uow, token(uow, participant, trial), AGREED, mandatory, "en", shown.form.version)

    assert status(uow, participant, trial) == lifecycle.CONSENTED
    assert [n["kind"] for n in uow.published(NOTIFY)] == ["consent_link", "consent_confirmation"]
    assert uow.reporting.status_counts(trial)[lifecycle.CONSENTED] == 1


def test_yes_before_any_form_is_published_gets_its_link_when_one_is(
    uow: FakeConsentUnitOfWork,
) -> None:
    trial = a_trial(uow, published=False)
    participant = invited(uow, trial)
    records.record_reply(uow, participant, trial, "yes")
    assert status(uow, participant, trial) == lifecycle.INTERESTED

    assert publish_a_form(uow, trial) == 1

    assert status(uow, participant, trial) == lifecycle.LINK_SENT


def test_a_second_yes_replaces_the_link(uow: FakeConsentUnitOfWork) -> None:
    trial = a_trial(uow)
    participant = invited(uow, trial)
    records.record_reply(uow, participant, trial, "yes")
    first = token(uow, participant, trial)

    records.record_reply(uow, participant, trial, "yes")

    assert token(uow, participant, trial) != first
    with pytest.raises(page.LinkNotUsable):
        page.view(uow, first)


def test_stop_after_consent_withdraws_and_confirms_by_text(uow: FakeConsentUnitOfWork) -> None:
    trial = a_trial(uow)
    participant = invited(uow, trial)
    records.record_reply(uow, participant, trial, "yes")
    shown = page.view(uow, token(uow, participant, trial))
    assert shown.form is not None
    page.respond(uow, token(uow, participant, trial), AGREED, shown.form.mandatory_keys(), "en", 1)

    records.record_opt_out(uow, participant)

    assert status(uow, participant, trial) == lifecycle.WITHDRAWN
    assert uow.published(NOTIFY)[-1]["kind"] == "withdrawal_receipt"


def test_stop_before_consent_opts_out_of_every_trial(uow: FakeConsentUnitOfWork) -> None:
    one, two = a_trial(uow), a_trial(uow)
    participant = uuid.uuid4()
    for trial in (one, two):
        records.record_invitations(uow, trial, [participant])

    records.record_opt_out(uow, participant)

    assert {status(uow, participant, t) for t in (one, two)} == {lifecycle.OPTED_OUT}


def test_a_cancelled_invitation_returns_and_a_new_one_keeps_the_study_number(
    uow: FakeConsentUnitOfWork,
) -> None:
    trial = a_trial(uow)
    participant = invited(uow, trial)

    assert records.return_uninvited(uow, trial, [participant]) == 1
    assert records.return_uninvited(uow, trial, [participant]) == 0
    assert status(uow, participant, trial) == lifecycle.NOT_INVITED
    records.record_invitations(uow, trial, [participant])

    record = uow.records.record(participant, trial)
    assert record is not None and record.status == lifecycle.INVITED
    assert record.study_number == "HEART-000001"
    assert [e.to_status for e in uow.audit.history(record.id)] == [
        lifecycle.INVITED,
        lifecycle.NOT_INVITED,
        lifecycle.INVITED,
    ]


def test_records_past_the_trials_deadline_expire_and_their_links_stop(
    uow: FakeConsentUnitOfWork,
) -> None:
    trial = a_trial(uow)
    uow.trials.save_trial(trial, "HEART", "The heart study", 14)
    participant = invited(uow, trial)
    records.record_reply(uow, participant, trial, "yes")

    assert records.expire_overdue(lambda: uow, now=datetime.now(UTC) + timedelta(days=13)) == 0
    assert records.expire_overdue(lambda: uow, now=datetime.now(UTC) + timedelta(days=15)) == 1

    assert status(uow, participant, trial) == lifecycle.EXPIRED
    assert uow.consent_links.live_links(participant, trial) == []


def test_entered_in_error_needs_the_trial_and_a_record_that_may_move(
    uow: FakeConsentUnitOfWork,
) -> None:
    trial = a_trial(uow)
    invited(uow, trial)

    with pytest.raises(Forbidden):
        records.mark_entered_in_error(uow, coordinator_of(uuid.uuid4()), trial, "HEART-000001", "x")
    records.mark_entered_in_error(uow, coordinator_of(trial), trial, "HEART-000001", "a typo")
    with pytest.raises(InvalidTransition):
        records.mark_entered_in_error(uow, coordinator_of(trial), trial, "HEART-000001", "again")


def test_every_audit_chain_verifies_after_a_life_cycle(uow: FakeConsentUnitOfWork) -> None:
    trial = a_trial(uow)
    for _ in range(3):
        participant = invited(uow, trial)
        records.record_reply(uow, participant, trial, "yes")

    result = audit.verify_chains(lambda: uow, coordinator_of(trial), trial)

    assert (result.checked, result.broken) == (3, [])


def test_a_tampered_audit_entry_breaks_its_chain(uow: FakeConsentUnitOfWork) -> None:
    trial = a_trial(uow)
    participant = invited(uow, trial)
    records.record_reply(uow, participant, trial, "no")
    uow.store.audit[-1].actor = "someone else"

    result = audit.verify_chains(lambda: uow, coordinator_of(trial), trial)

    assert [b.participant_id for b in result.broken] == [participant]

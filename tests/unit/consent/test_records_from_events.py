"""Replies and opt-outs that arrive before their invitation are retried, never dropped."""

from __future__ import annotations

import uuid

import pytest

from services.consent.domain import lifecycle
from services.consent.domain.participant import ParticipantBands
from services.consent.service_layer import records
from services.consent.service_layer.records import RecordNotYetKnown
from tests.support.fakes.consent import FakeConsentUnitOfWork

PARTICIPANT, TRIAL = uuid.uuid4(), uuid.uuid4()


def _status(uow: FakeConsentUnitOfWork) -> str | None:
    record = uow.records.record(PARTICIPANT, TRIAL)
    assert record is not None
    return record.status


def test_a_reply_before_its_invitation_raises_so_the_bus_retries_it() -> None:
    uow = FakeConsentUnitOfWork()

    with pytest.raises(RecordNotYetKnown):
        records.record_reply(uow, PARTICIPANT, TRIAL, "stop")

    assert uow.commits == 0 and uow.events == []


def test_the_retried_reply_applies_once_the_invitation_has_arrived() -> None:
    uow = FakeConsentUnitOfWork()
    with pytest.raises(RecordNotYetKnown):
        records.record_reply(uow, PARTICIPANT, TRIAL, "no")

    records.record_invitations(uow, TRIAL, [PARTICIPANT], practice_ods="M85001")
    records.record_reply(uow, PARTICIPANT, TRIAL, "no")

    assert _status(uow) == lifecycle.DECLINED


def test_help_and_replies_without_a_trial_change_nothing_and_need_no_record() -> None:
    uow = FakeConsentUnitOfWork()

    records.record_reply(uow, PARTICIPANT, TRIAL, "help")
    records.record_reply(uow, PARTICIPANT, None, "stop")

    assert uow.events == []


def test_an_opt_out_before_any_invitation_raises_so_the_bus_retries_it() -> None:
    uow = FakeConsentUnitOfWork()

    with pytest.raises(RecordNotYetKnown):
        records.record_opt_out(uow, PARTICIPANT)

    records.record_invitations(uow, TRIAL, [PARTICIPANT], practice_ods="M85001")
    records.record_opt_out(uow, PARTICIPANT)
    assert _status(uow) == lifecycle.OPTED_OUT


def test_an_opt_out_of_an_erased_participant_with_no_record_is_done_with() -> None:
    uow = FakeConsentUnitOfWork()
    uow.participants.add(ParticipantBands(PARTICIPANT, "", "", erased=True))

    records.record_opt_out(uow, PARTICIPANT)

    assert uow.events == []


def test_each_new_record_gets_the_next_study_number_of_its_trial_once() -> None:
    uow = FakeConsentUnitOfWork()
    first, second = uuid.uuid4(), uuid.uuid4()

    records.record_invitations(uow, TRIAL, [first, second])
    records.record_invitations(uow, TRIAL, [first])  # again: the same record, same number

    code = f"T{TRIAL.hex[:8].upper()}"
    assert [r.study_number for r in uow.store.records.values()] == [
        f"{code}-000001",
        f"{code}-000002",
    ]
    assert all(data["study_number"] for data in uow.published("consent.status.changed"))

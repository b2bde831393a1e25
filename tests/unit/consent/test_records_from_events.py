"""Replies and opt-outs that arrive before their invitation are retried, never dropped."""

from __future__ import annotations

import uuid
from typing import Any, Self

import pytest

from services.consent.domain import lifecycle
from services.consent.domain.lifecycle import ConsentRecord
from services.consent.domain.participant import ParticipantBands
from services.consent.service_layer import records
from services.consent.service_layer.records import RecordNotYetKnown


class FakeConsentRepository:
    def __init__(self) -> None:
        self.records: list[ConsentRecord] = []
        self.participants: dict[uuid.UUID, ParticipantBands] = {}
        self.sequences: dict[uuid.UUID, int] = {}

    def record(
        self, participant_id: uuid.UUID, trial_id: uuid.UUID, *, lock: bool = False
    ) -> ConsentRecord | None:
        found = [
            r for r in self.records if (r.participant_id, r.trial_id) == (participant_id, trial_id)
        ]
        return found[0] if found else None

    def records_of(self, participant_id: uuid.UUID) -> list[ConsentRecord]:
        return [r for r in self.records if r.participant_id == participant_id]

    def participant(self, participant_id: uuid.UUID) -> ParticipantBands | None:
        return self.participants.get(participant_id)

    def add(self, item: Any) -> None:
        if isinstance(item, ConsentRecord):
            self.records.append(item)
        elif isinstance(item, ParticipantBands):
            self.participants[item.participant_id] = item

    def count_change(self, *args: Any) -> None:
        pass

    def trial(self, trial_id: uuid.UUID) -> Any:
        return None  # consent has not heard of the trial yet: coded from its id

    def next_study_sequence(self, trial_id: uuid.UUID) -> int:
        self.sequences[trial_id] = self.sequences.get(trial_id, 0) + 1
        return self.sequences[trial_id]


class FakeUnitOfWork:
    row_locks = False

    def __init__(self) -> None:
        self.consent = FakeConsentRepository()
        self.published: list[tuple[str, dict[str, Any]]] = []
        self.committed = 0

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *args: object) -> None:
        pass

    def publish(self, type_: str, data: dict[str, Any]) -> None:
        self.published.append((type_, data))

    def commit(self) -> None:
        self.committed += 1


PARTICIPANT, TRIAL = uuid.uuid4(), uuid.uuid4()


def test_a_reply_before_its_invitation_raises_so_the_bus_retries_it() -> None:
    uow: Any = FakeUnitOfWork()

    with pytest.raises(RecordNotYetKnown):
        records.record_reply(uow, PARTICIPANT, TRIAL, "stop")

    assert uow.committed == 0 and uow.published == []


def test_the_retried_reply_applies_once_the_invitation_has_arrived() -> None:
    uow: Any = FakeUnitOfWork()
    with pytest.raises(RecordNotYetKnown):
        records.record_reply(uow, PARTICIPANT, TRIAL, "no")

    records.record_invitations(uow, TRIAL, [PARTICIPANT], practice_ods="M85001")
    records.record_reply(uow, PARTICIPANT, TRIAL, "no")

    assert uow.consent.record(PARTICIPANT, TRIAL).status == lifecycle.DECLINED


def test_help_and_replies_without_a_trial_change_nothing_and_need_no_record() -> None:
    uow: Any = FakeUnitOfWork()

    records.record_reply(uow, PARTICIPANT, TRIAL, "help")
    records.record_reply(uow, PARTICIPANT, None, "stop")

    assert uow.published == []


def test_an_opt_out_before_any_invitation_raises_so_the_bus_retries_it() -> None:
    uow: Any = FakeUnitOfWork()

    with pytest.raises(RecordNotYetKnown):
        records.record_opt_out(uow, PARTICIPANT)

    records.record_invitations(uow, TRIAL, [PARTICIPANT], practice_ods="M85001")
    records.record_opt_out(uow, PARTICIPANT)
    assert uow.consent.record(PARTICIPANT, TRIAL).status == lifecycle.OPTED_OUT


def test_an_opt_out_of_an_erased_participant_with_no_record_is_done_with() -> None:
    uow: Any = FakeUnitOfWork()
    uow.consent.add(ParticipantBands(PARTICIPANT, "", "", erased=True))

    records.record_opt_out(uow, PARTICIPANT)

    assert uow.published == []


def test_each_new_record_gets_the_next_study_number_of_its_trial_once() -> None:
    uow: Any = FakeUnitOfWork()
    first, second = uuid.uuid4(), uuid.uuid4()

    records.record_invitations(uow, TRIAL, [first, second])
    records.record_invitations(uow, TRIAL, [first])  # again: the same record, same number

    code = f"T{TRIAL.hex[:8].upper()}"
    assert [r.study_number for r in uow.consent.records] == [f"{code}-000001", f"{code}-000002"]
    assert all(data["study_number"] for _, data in uow.published)

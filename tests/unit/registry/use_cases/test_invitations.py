"""Invitations through the fakes: one use case and one eligibility rule behind both
entrances (named participants and a whole cohort)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest

from services.registry.domain.model import Participant, Trial
from services.registry.service_layer import cohorts, invitations
from services.registry.service_layer.invitations import NamedParticipants, WholeCohort
from shared.auth.principal import STAFF, Principal
from shared.errors import Conflict, Forbidden, InvalidInput
from tests.support.fakes.registry import FakeRegistryUnitOfWork
from tests.support.fakes.registry_world import (
    DOB_KEY,
    OTHER_PRACTICE,
    PRACTICE,
    a_patient,
    a_registry,
    a_trial,
    with_status,
)

STAFF_AT_PRACTICE = Principal(uuid.uuid4(), "Sam", STAFF, frozenset({PRACTICE}))
REQUESTED = "registry.invitations.requested"
REGISTERED = "registry.participant.registered"


@pytest.fixture
def uow() -> FakeRegistryUnitOfWork:
    return a_registry()


def by_name(
    uow: FakeRegistryUnitOfWork, trial: Trial, *people: Participant
) -> invitations.InvitationOutcome:
    request = NamedParticipants(trial.id, PRACTICE, [p.id for p in people])
    return invitations.request_invitations(uow, STAFF_AT_PRACTICE, request, DOB_KEY)


def by_cohort(uow: FakeRegistryUnitOfWork, trial: Trial) -> invitations.InvitationOutcome:
    cohort = cohorts.create_cohort(
        uow, STAFF_AT_PRACTICE, trial.id, PRACTICE, "everyone", {"textable_only": False}
    )
    return invitations.request_invitations(uow, STAFF_AT_PRACTICE, WholeCohort(cohort.id), DOB_KEY)


def test_named_participants_are_invited_shared_once_and_sent_in_one_chunk(
    uow: FakeRegistryUnitOfWork,
) -> None:
    trial = a_trial(uow)
    first, second = a_patient(uow), a_patient(uow)

    outcome = by_name(uow, trial, first, second)

    assert sorted(outcome.invited) == sorted([first.id, second.id]) and outcome.chunks == 1
    [chunk] = uow.published(REQUESTED)
    assert sorted(chunk["participant_ids"]) == sorted([str(first.id), str(second.id)])
    assert len(uow.published(REGISTERED)) == 2
    status = uow.registry.trial_status(first.id, trial.id)
    assert status is not None and status.status == "invited"
    assert first.shared_at is not None


@pytest.mark.parametrize("said", ["declined", "refused", "withdrawn", "opted_out"])
@pytest.mark.parametrize("entrance", [by_name, by_cohort])
def test_someone_who_said_no_in_another_trial_is_not_invited_by_either_entrance(
    uow: FakeRegistryUnitOfWork, said: str, entrance: object
) -> None:
    trial, elsewhere = a_trial(uow), a_trial(uow, "LUNG")
    willing, unwilling = a_patient(uow), a_patient(uow)
    with_status(uow, unwilling, elsewhere, said)

    if entrance is by_name:
        outcome = by_name(uow, trial, willing, unwilling)
    else:
        outcome = by_cohort(uow, trial)

    assert outcome.invited == [willing.id]
    if entrance is by_name:
        assert "another trial" in outcome.skipped[str(unwilling.id)]


@pytest.mark.parametrize("entrance", [by_name, by_cohort])
def test_a_patient_under_18_is_not_invited_by_either_entrance(
    uow: FakeRegistryUnitOfWork, entrance: object
) -> None:
    trial = a_trial(uow)
    adult = a_patient(uow)
    almost = a_patient(uow, born=date(datetime.now(UTC).year - 17, 1, 1))  # 16 or 17

    outcome = by_name(uow, trial, adult, almost) if entrance is by_name else by_cohort(uow, trial)

    assert outcome.invited == [adult.id]


def test_nobody_invitable_is_refused_and_nothing_is_published(
    uow: FakeRegistryUnitOfWork,
) -> None:
    trial = a_trial(uow)
    no_phone = a_patient(uow, textable=False)

    with pytest.raises(InvalidInput):
        by_name(uow, trial, no_phone)
    assert uow.events == [] and uow.commits == 0


def test_another_practices_patients_are_skipped_and_its_staff_refused(
    uow: FakeRegistryUnitOfWork,
) -> None:
    trial = a_trial(uow)
    ours, theirs = a_patient(uow), a_patient(uow, OTHER_PRACTICE)

    outcome = by_name(uow, trial, ours, theirs)
    assert outcome.invited == [ours.id] and str(theirs.id) in outcome.skipped

    with pytest.raises(Forbidden):
        invitations.request_invitations(
            uow,
            STAFF_AT_PRACTICE,
            NamedParticipants(trial.id, OTHER_PRACTICE, [theirs.id]),
            DOB_KEY,
        )


def test_a_cohort_is_invited_once_and_refused_when_it_changed_since_its_preview(
    uow: FakeRegistryUnitOfWork,
) -> None:
    trial = a_trial(uow)
    a_patient(uow)
    a_patient(uow)
    cohort = cohorts.create_cohort(uow, STAFF_AT_PRACTICE, trial.id, PRACTICE, "all", {})
    assert cohorts.preview(uow, STAFF_AT_PRACTICE, cohort.id).count == 2

    with pytest.raises(Conflict):
        invitations.request_invitations(
            uow, STAFF_AT_PRACTICE, WholeCohort(cohort.id, expected_count=3), DOB_KEY
        )
    invitations.request_invitations(
        uow, STAFF_AT_PRACTICE, WholeCohort(cohort.id, expected_count=2), DOB_KEY
    )
    with pytest.raises(Conflict):
        invitations.request_invitations(uow, STAFF_AT_PRACTICE, WholeCohort(cohort.id), DOB_KEY)

    assert cohort.frozen_at is not None and cohort.size == 2


def test_a_cancelled_batch_returns_its_unsent_people_who_may_be_invited_again(
    uow: FakeRegistryUnitOfWork,
) -> None:
    trial = a_trial(uow)
    first, second = a_patient(uow), a_patient(uow)
    outcome = by_name(uow, trial, first, second)
    with_status(uow, second, trial, "declined")  # moved on since: kept

    assert invitations.return_unsent(uow, outcome.batch_id, trial.id, [first.id, second.id]) == 1

    again = by_name(uow, trial, first, second)
    assert again.invited == [first.id]
    assert len(uow.published(REGISTERED)) == 2  # shared once, on the first invitation

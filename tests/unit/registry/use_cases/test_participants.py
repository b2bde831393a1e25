"""The registry's participants through the fakes: registering, correcting, erasing for
good, STOP for every patient with the number, statuses from consent, and trials."""

from __future__ import annotations

import uuid

import pytest

from services.registry.service_layer import participants, statuses, trials
from services.registry.service_layer.participants import Correction, ParticipantDetails, Search
from services.registry.service_layer.statuses import StatusOutOfOrder
from shared.auth.principal import STAFF, Principal
from shared.errors import Conflict, InvalidInput, NotFound
from shared.languages import UNKNOWN
from tests.support.factories import mobile, nhs_number
from tests.support.fakes.registry import FakeRegistryUnitOfWork
from tests.support.fakes.registry_world import (
    DOB_KEY,
    OTHER_PRACTICE,
    PRACTICE,
    a_patient,
    a_registry,
    a_trial,
)

STAFF_AT_PRACTICE = Principal(uuid.uuid4(), "Sam", STAFF, frozenset({PRACTICE}))
ELSEWHERE = Principal(uuid.uuid4(), "Kim", STAFF, frozenset({OTHER_PRACTICE}))


@pytest.fixture
def uow() -> FakeRegistryUnitOfWork:
    return a_registry()


def details(number: str, phone: str | None = None) -> ParticipantDetails:
    return ParticipantDetails(
        PRACTICE, number, "Amina", "Begum", "1970-03-04", "Bengali", mobile=phone or mobile()
    )


def test_registering_twice_updates_and_another_practice_hears_one_neutral_answer(
    uow: FakeRegistryUnitOfWork,
) -> None:
    number = nhs_number()

    first, created = participants.register_participant(
        uow, STAFF_AT_PRACTICE, details(number), DOB_KEY
    )
    again, created_again = participants.register_participant(
        uow, STAFF_AT_PRACTICE, details(number), DOB_KEY
    )
    elsewhere = ParticipantDetails(OTHER_PRACTICE, number, "A", "B", "1970-03-04", "bn")
    with pytest.raises(Conflict):
        participants.register_participant(uow, ELSEWHERE, elsewhere, DOB_KEY)

    assert (created, created_again) == (True, False) and again.id == first.id
    assert first.language == "bn" and uow.events == []  # nobody told before an invitation


def test_an_erased_patient_is_gone_announced_and_never_registered_again(
    uow: FakeRegistryUnitOfWork,
) -> None:
    number = nhs_number()
    patient, _ = participants.register_participant(uow, STAFF_AT_PRACTICE, details(number), DOB_KEY)

    with pytest.raises(NotFound):
        participants.erase_participant(uow, ELSEWHERE, patient.id, DOB_KEY)
    participants.erase_participant(uow, STAFF_AT_PRACTICE, patient.id, DOB_KEY)

    assert uow.registry.participant(patient.id) is None
    assert uow.published("registry.participant.erased") == [{"participant_id": str(patient.id)}]
    with pytest.raises(Conflict):
        participants.register_participant(uow, STAFF_AT_PRACTICE, details(number), DOB_KEY)


def test_stop_follows_the_number_to_every_patient_and_to_a_new_one_given_it(
    uow: FakeRegistryUnitOfWork,
) -> None:
    shared = mobile()
    mother = a_patient(uow, number=shared)
    son = a_patient(uow, number=shared)
    other = a_patient(uow)

    statuses.record_opt_out(uow, mother.id, True)
    assert (mother.opted_out, son.opted_out, other.opted_out) == (True, True, False)

    participants.correct_participant(
        uow, STAFF_AT_PRACTICE, other.id, Correction(mobile=shared), DOB_KEY
    )
    assert other.opted_out and other.mobile == shared


def test_a_shared_patients_correction_is_announced(uow: FakeRegistryUnitOfWork) -> None:
    patient = a_patient(uow)
    participants.correct_participant(
        uow, STAFF_AT_PRACTICE, patient.id, Correction(language="ur"), DOB_KEY
    )
    assert uow.events == []  # not shared yet: nobody else holds them

    patient.shared_at = patient.created_at
    participants.correct_participant(
        uow, STAFF_AT_PRACTICE, patient.id, Correction(language="Urdu"), DOB_KEY
    )

    [update] = uow.published("registry.participant.updated")
    assert update["language"] == "ur"


def test_staff_give_a_patient_of_unknown_language_a_real_one_never_an_unreadable_one(
    uow: FakeRegistryUnitOfWork,
) -> None:
    patient = a_patient(uow)
    patient.language = UNKNOWN  # imported from a list that did not say

    for unreadable in ("Polsih", "und", "Not known"):
        with pytest.raises(InvalidInput):
            participants.correct_participant(
                uow, STAFF_AT_PRACTICE, patient.id, Correction(language=unreadable), DOB_KEY
            )
    assert patient.language == UNKNOWN
    participants.correct_participant(
        uow, STAFF_AT_PRACTICE, patient.id, Correction(language="Jamaican Patois"), DOB_KEY
    )
    assert patient.language == "jam"


def test_staff_find_the_patients_whose_language_is_unknown(uow: FakeRegistryUnitOfWork) -> None:
    unknown, bengali = a_patient(uow), a_patient(uow)
    unknown.language = UNKNOWN

    found = participants.list_participants(
        uow, STAFF_AT_PRACTICE, Search(language=UNKNOWN), None, 10
    )

    assert [p.id for p, _ in found.items] == [unknown.id]
    assert bengali.language == "bn"


def test_statuses_from_consent_apply_in_order_and_an_erased_patients_are_dropped(
    uow: FakeRegistryUnitOfWork,
) -> None:
    trial = a_trial(uow)
    patient = a_patient(uow)
    statuses.record_trial_status(uow, patient.id, trial.id, "invited")
    statuses.record_trial_status(uow, patient.id, trial.id, "interested", "invited")

    with pytest.raises(StatusOutOfOrder):
        statuses.record_trial_status(uow, patient.id, trial.id, "consented", "link_sent")
    statuses.record_trial_status(uow, uuid.uuid4(), trial.id, "invited")  # erased: nothing

    found = uow.registry.trial_status(patient.id, trial.id)
    assert found is not None and found.status == "interested"


def test_a_trial_is_announced_once_by_its_short_name(uow: FakeRegistryUnitOfWork) -> None:
    trial = trials.create_trial(uow, "AF-SCREEN", "Screening", "NIHR", 14, ["English", "Urdu"])

    with pytest.raises(Conflict):
        trials.create_trial(uow, "AF-SCREEN", "Again", "NIHR", None)

    [created] = uow.published("registry.trial.created")
    assert (created["trial_id"], created["languages"]) == (str(trial.id), ["en", "ur"])

"""The registry's state for use-case tests on the fakes: a practice, a trial, patients."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from services.registry.domain.model import Participant, Practice, Trial, TrialStatus
from shared.auth.principal import ADMIN, STAFF, Principal
from tests.support.factories import mobile, nhs_number, serial
from tests.support.fakes.registry import FakeRegistryUnitOfWork

PRACTICE = "M85001"
OTHER_PRACTICE = "Y00001"
DOB_KEY = "a-date-of-birth-key-for-tests"
AT_PRACTICE = Principal(uuid.uuid4(), "Sam", STAFF, frozenset({PRACTICE}))
ELSEWHERE = Principal(uuid.uuid4(), "Kim", STAFF, frozenset({OTHER_PRACTICE}))
AN_ADMIN = Principal(uuid.uuid4(), "Ada", ADMIN)


def a_registry() -> FakeRegistryUnitOfWork:
    uow = FakeRegistryUnitOfWork()
    for ods in (PRACTICE, OTHER_PRACTICE):
        uow.registry.add(Practice(ods, f"Practice {ods}"))
    return uow


def a_trial(uow: FakeRegistryUnitOfWork, short_name: str = "HEART") -> Trial:
    trial = Trial(f"{short_name}{serial()}", f"The {short_name} study", "NIHR")
    uow.registry.add(trial)
    return trial


def a_patient(
    uow: FakeRegistryUnitOfWork,
    practice: str = PRACTICE,
    *,
    born: date = date(1970, 3, 4),
    textable: bool = True,
    number: str | None = None,
    **details: object,
) -> Participant:
    patient = Participant(
        practice,
        nhs_number(),
        "Amina",
        f"Begum{serial()}",
        born,
        "bn",
        mobile=(number or mobile()) if textable else None,
        textable=textable,
        **details,  # type: ignore[arg-type]
    )
    uow.registry.add(patient)
    return patient


def with_status(
    uow: FakeRegistryUnitOfWork, patient: Participant, trial: Trial, status: str
) -> None:
    uow.registry.add(TrialStatus(patient.id, trial.id, status, datetime.now(UTC)))

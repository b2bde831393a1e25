"""A patient is seen only by their practice's staff (and admins); for anyone else it is
absent: NotFound, the same answer as for nobody, never Forbidden."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import pytest

from shared.auth.principal import ADMIN, STAFF, Principal
from shared.errors import Forbidden, NotFound


@dataclass
class Patient:
    practice_ods: str


OURS, THEIRS = "A00001", "B00002"
STAFF_HERE = Principal(uuid.uuid4(), "Sam", STAFF, frozenset({OURS}))
AN_ADMIN = Principal(uuid.uuid4(), "Ada", ADMIN)


def test_a_patient_at_the_callers_practice_is_returned() -> None:
    patient = Patient(OURS)

    assert STAFF_HERE.visible_at_practice(patient, "no patient") is patient


def test_another_practices_patient_is_not_found_exactly_as_an_absent_one() -> None:
    with pytest.raises(NotFound) as elsewhere:
        STAFF_HERE.visible_at_practice(Patient(THEIRS), "no patient 42")
    with pytest.raises(NotFound) as absent:
        STAFF_HERE.visible_at_practice(None, "no patient 42")

    assert not isinstance(elsewhere.value, Forbidden)
    assert str(elsewhere.value) == str(absent.value) == "no patient 42"


def test_an_admin_sees_a_patient_at_any_practice_but_not_an_absent_one() -> None:
    patient = Patient(THEIRS)

    assert AN_ADMIN.visible_at_practice(patient, "no patient") is patient
    with pytest.raises(NotFound):
        AN_ADMIN.visible_at_practice(None, "no patient")

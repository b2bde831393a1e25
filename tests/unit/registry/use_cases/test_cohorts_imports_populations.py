"""Cohorts and imports as staff look them up, and the populations told to consent with an
invitation: counts per band, never who, through the fakes."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from services.registry.domain import imports as jobs
from services.registry.service_layer import cohorts, imports, invitations
from services.registry.service_layer.invitations import WholeCohort
from shared.errors import Forbidden, NotFound
from tests.support.fakes.registry import FakeRegistryUnitOfWork
from tests.support.fakes.registry_world import (
    AN_ADMIN,
    AT_PRACTICE,
    DOB_KEY,
    ELSEWHERE,
    OTHER_PRACTICE,
    PRACTICE,
    a_patient,
    a_trial,
)

COUNTED = "registry.population.counted"


def test_a_cohort_is_seen_by_its_practice_and_listed_per_trial(
    uow: FakeRegistryUnitOfWork,
) -> None:
    trial = a_trial(uow)
    mine = cohorts.create_cohort(uow, AT_PRACTICE, trial.id, PRACTICE, "mine", {})
    theirs = cohorts.create_cohort(uow, ELSEWHERE, trial.id, OTHER_PRACTICE, "theirs", {})

    assert cohorts.get_cohort(uow, AT_PRACTICE, mine.id) is mine
    with pytest.raises(NotFound):
        cohorts.get_cohort(uow, AT_PRACTICE, theirs.id)
    assert [c.id for c in cohorts.cohorts_of_trial(uow, AT_PRACTICE, trial.id, None)] == [mine.id]
    assert {c.id for c in cohorts.cohorts_of_trial(uow, AN_ADMIN, trial.id, None)} == {
        mine.id,
        theirs.id,
    }
    with pytest.raises(Forbidden):
        cohorts.cohorts_of_trial(uow, AT_PRACTICE, trial.id, OTHER_PRACTICE)
    with pytest.raises(NotFound):
        cohorts.cohorts_of_trial(uow, AT_PRACTICE, uuid.uuid4(), PRACTICE)


def test_imports_are_listed_for_their_practice_and_a_stalled_one_is_failed(
    uow: FakeRegistryUnitOfWork,
) -> None:
    running = jobs.ImportJob(PRACTICE, "csv", False, "Sam", status=jobs.RUNNING)
    stalled = jobs.ImportJob(PRACTICE, "csv", False, "Sam", status=jobs.RUNNING)
    stalled.heartbeat_at = datetime.now(UTC) - jobs.HEARTBEAT_GRACE - timedelta(seconds=1)
    theirs = jobs.ImportJob(OTHER_PRACTICE, "csv", False, "Kim")
    for job in (running, stalled, theirs):
        uow.registry.add(job)

    assert imports.visible_import(uow, AT_PRACTICE, running.id).status == jobs.RUNNING
    failed = imports.visible_import(uow, AT_PRACTICE, stalled.id)
    assert failed.status == jobs.FAILED and "upload the file again" in (failed.problem or "")
    assert failed.finished_at is not None
    with pytest.raises(NotFound):
        imports.visible_import(uow, AT_PRACTICE, theirs.id)
    assert {j.id for j in imports.imports_of(uow, AT_PRACTICE, PRACTICE)} == {
        running.id,
        stalled.id,
    }
    with pytest.raises(Forbidden):
        imports.imports_of(uow, AT_PRACTICE, OTHER_PRACTICE)


def test_an_import_is_checked_against_the_practice_first(uow: FakeRegistryUnitOfWork) -> None:
    assert imports.check_practice(uow, AT_PRACTICE, PRACTICE.lower()) == PRACTICE
    with pytest.raises(Forbidden):
        imports.check_practice(uow, AT_PRACTICE, OTHER_PRACTICE)
    with pytest.raises(NotFound):
        imports.check_practice(uow, AN_ADMIN, "Z99999")


def test_inviting_a_cohort_tells_consent_the_list_and_the_eligible_by_band(
    uow: FakeRegistryUnitOfWork,
) -> None:
    trial = a_trial(uow)
    speakers = [a_patient(uow, ethnic_category="H") for _ in range(2)]
    polish = a_patient(uow, ethnic_category="C")
    elsewhere = a_patient(uow, OTHER_PRACTICE)
    for patient in (*speakers, elsewhere):
        patient.language = "ur"
    polish.language = "pl"
    cohort = cohorts.create_cohort(
        uow, AT_PRACTICE, trial.id, PRACTICE, "Urdu", {"languages": ["ur"], "textable_only": False}
    )

    outcome = invitations.request_invitations(uow, AT_PRACTICE, WholeCohort(cohort.id), DOB_KEY)

    assert sorted(outcome.invited) == sorted(p.id for p in speakers)
    whole, eligible = uow.published(COUNTED)
    assert (whole["population"], whole["trial_id"]) == ("practice_list", None)
    assert (eligible["population"], eligible["trial_id"]) == ("eligible", str(trial.id))
    assert whole["counts"]["language"] == {"ur": 2, "pl": 1}
    assert eligible["counts"]["language"] == {"ur": 2}
    assert eligible["counts"]["ethnic_category"] == {"H": 2}
    assert all(whole["practice_ods"] == PRACTICE for whole in uow.published(COUNTED))


def test_staff_of_another_practice_find_no_cohort_to_preview_or_invite(
    uow: FakeRegistryUnitOfWork,
) -> None:
    trial = a_trial(uow)
    a_patient(uow)
    cohort = cohorts.create_cohort(uow, AT_PRACTICE, trial.id, PRACTICE, "all", {})

    with pytest.raises(NotFound):
        cohorts.preview(uow, ELSEWHERE, cohort.id)
    with pytest.raises(NotFound):
        invitations.request_invitations(uow, ELSEWHERE, WholeCohort(cohort.id), DOB_KEY)
    with pytest.raises(NotFound):
        imports.visible_import(uow, AT_PRACTICE, uuid.uuid4())

    assert cohort.frozen_at is None and uow.published(COUNTED) == []

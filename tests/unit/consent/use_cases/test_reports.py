"""What coordinators take away, through the fakes: counts per practice, the FHIR export and
the equity report with its small numbers held back."""

from __future__ import annotations

import csv
import io
import json
import uuid
from datetime import UTC, datetime

import pytest

from services.consent.domain.disclosure import HIDDEN
from services.consent.domain.filters import RecordFilter
from services.consent.domain.lifecycle import STATUSES
from services.consent.service_layer import participants, queries, records
from shared.errors import Forbidden
from shared.events.commands import PopulationCounted
from tests.support.fakes.consent import FakeConsentUnitOfWork
from tests.support.fakes.consent_world import PRACTICE, a_trial, coordinator_of, registered


@pytest.fixture
def uow() -> FakeConsentUnitOfWork:
    return FakeConsentUnitOfWork()


def invite(
    uow: FakeConsentUnitOfWork, trial: uuid.UUID, n: int, language: str, practice: str = PRACTICE
) -> list[uuid.UUID]:
    people = [registered(uow, language, practice_ods=practice) for _ in range(n)]
    records.record_invitations(uow, trial, people, practice_ods=practice)
    return people


def test_counts_per_practice_name_every_status(uow: FakeConsentUnitOfWork) -> None:
    trial = a_trial(uow)
    here = invite(uow, trial, 2, "en")
    invite(uow, trial, 1, "en", practice="Y00001")
    records.record_reply(uow, here[0], trial, "no")

    summary = queries.practice_summary(uow, coordinator_of(trial), trial)

    assert summary.trial_id == trial
    assert [(p.practice_ods, p.total) for p in summary.practices] == [(PRACTICE, 2), ("Y00001", 1)]
    ours, theirs = (p.counts for p in summary.practices)
    assert (ours["invited"], ours["declined"]) == (1, 1)
    assert ours["consented"] == 0 and theirs["invited"] == 1
    assert list(ours) == list(STATUSES)  # every status named, in the life cycle's order
    with pytest.raises(Forbidden):
        queries.practice_summary(uow, coordinator_of(uuid.uuid4()), trial)


def test_the_fhir_bundle_names_study_numbers_never_participant_ids(
    uow: FakeConsentUnitOfWork,
) -> None:
    trial = a_trial(uow)
    declined, waiting = invite(uow, trial, 2, "ur")
    records.record_reply(uow, declined, trial, "no")

    bundle = json.loads(
        "".join(queries.export_fhir(lambda: uow, coordinator_of(trial), trial, RecordFilter()))
    )

    resources = [entry["resource"] for entry in bundle["entry"]]
    consents = {
        c["patient"]["identifier"]["value"]: c["status"]
        for c in resources
        if c["resourceType"] == "Consent"
    }
    subjects = [r for r in resources if r["resourceType"] == "ResearchSubject"]
    numbers = {
        uow.records.record(p, trial).study_number: p  # type: ignore[union-attr]
        for p in (declined, waiting)
    }
    assert (bundle["resourceType"], bundle["type"]) == ("Bundle", "collection")
    assert {numbers[n]: status for n, status in consents.items()} == {
        declined: "rejected",
        waiting: "proposed",
    }
    assert len(subjects) == 2 and str(declined) not in json.dumps(bundle)
    with pytest.raises(Forbidden):
        queries.export_fhir(lambda: uow, coordinator_of(uuid.uuid4()), trial, RecordFilter())


def test_the_equity_report_holds_back_small_numbers_and_uses_the_registrys_counts(
    uow: FakeConsentUnitOfWork,
) -> None:
    trial = a_trial(uow)
    coordinator = coordinator_of(trial)
    urdu = invite(uow, trial, 6, "ur")
    invite(uow, trial, 5, "en")
    for person in urdu[:3]:
        records.record_reply(uow, person, trial, "yes")

    before = queries.equity_report(uow, coordinator, trial)
    participants.save_population(
        uow,
        PopulationCounted(
            "eligible", PRACTICE, trial, datetime.now(UTC), {"language": {"ur": 60, "en": 40}}
        ),
    )
    report = queries.equity_report(uow, coordinator, trial)

    language = {row.group: row for row in report.rows if row.dimension == "language"}
    assert (before.has_eligible, report.has_eligible, report.has_practice_lists) == (
        False,
        True,
        False,
    )
    assert report.totals["invited"] == 11 and report.hidden_totals == {"interested", "replied"}
    assert {g: row.counts["invited"] for g, row in language.items()} == {"ur": 6, "en": 5}
    assert "interested" in language["ur"].suppressed
    lines = list(csv.reader(io.StringIO("".join(queries.equity_csv(report)))))
    assert lines[0][:3] == ["dimension", "group", "invited"]
    assert lines[1][:5] == ["all", "all", "11", HIDDEN, HIDDEN]
    with pytest.raises(Forbidden):
        queries.equity_report(uow, coordinator_of(uuid.uuid4()), trial)

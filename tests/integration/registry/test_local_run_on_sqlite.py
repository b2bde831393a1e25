"""The local run stores imports and cohorts in SQLite: the same use cases must work there."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from services.registry.bootstrap import build_runtime
from services.registry.domain.imports import DONE
from services.registry.service_layer import cohorts, imports, invitations, practices, trials
from services.registry.service_layer.unit_of_work import SqlRegistryUnitOfWork
from shared.auth.principal import Principal
from tests.support import settings

pytestmark = pytest.mark.integration

ADMIN = Principal(uuid.uuid4(), "seed", "admin")
ROWS = (
    "NHS Number,Forename,Surname,Date of Birth,Mobile,Language,Ethnicity,IMD decile,IMD edition\n"
    "9434765919,Imran,Hussain,02/07/1961,07400 123499,Urdu,J,2,2019\n"
    "4010232137,Zofia,Nowak,1966-11-23,07400 123403,Polish,C,5,2019\n"
    "0000000000,Bad,Number,1966-11-23,07400 123403,Polish,C,5,2019\n"
)


def test_an_import_then_a_cohort_work_on_sqlite(tmp_path: Path) -> None:
    bus = settings.bus_settings("filesystem://", tmp_path / "bus")
    runtime = build_runtime(settings.registry(f"sqlite:///{tmp_path / 'registry.sqlite3'}", bus))
    runtime.migrate()

    def uow() -> SqlRegistryUnitOfWork:
        made = runtime.uow_factory()
        assert isinstance(made, SqlRegistryUnitOfWork)
        return made

    practices.create_practice(uow(), "M85001", "Local practice")
    for attempt in range(2):  # the second time, everything is unchanged
        path = tmp_path / f"list-{attempt}.csv"
        # A list that no longer says Zofia's language leaves the one stored.
        path.write_text(ROWS if attempt == 0 else ROWS.replace("Polish", "Not known", 1))
        upload = imports.Upload(path, "csv")
        job = imports.start_import(uow(), ADMIN, "M85001", upload, dry_run=False)
        imports.run_import(uow, job.id, upload, settings.DOB_KEY, batch_size=1)
        done = imports.visible_import(uow(), ADMIN, job.id)
        assert done.status == DONE, done.problem
        assert (done.created, done.unchanged, done.rejected, done.noted) == (
            (2, 0, 1, 0) if attempt == 0 else (0, 2, 1, 1)
        )
        assert not path.exists()
        errors = [e for e in imports.error_report(uow, ADMIN, job.id) if e[3] == "error"]
        assert errors == [(4, "NHS Number", "cannot be the same digit ten times", "error")]

    trial = trials.create_trial(uow(), "LOCAL-1", "Local", "Uni", 28)
    cohort = cohorts.create_cohort(
        uow(), ADMIN, trial.id, "M85001", "Urdu speakers", {"languages": ["ur"]}
    )
    assert cohorts.preview(uow(), ADMIN, cohort.id).count == 1
    invited = invitations.request_invitations(
        uow(), ADMIN, invitations.WholeCohort(cohort.id), settings.DOB_KEY
    )
    assert len(invited.invited) == 1
    runtime.engine.dispose()

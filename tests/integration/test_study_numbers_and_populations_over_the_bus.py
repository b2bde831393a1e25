"""Over the real bus (RabbitMQ, three PostgreSQL databases): an invited cohort gets study
numbers in consent, and the registry's population counts reach consent's equity report."""

from __future__ import annotations

import pytest

from services.consent.service_layer import queries
from services.registry.service_layer import practices, trials
from shared.auth.principal import Principal
from tests.integration.api.conftest import serial
from tests.integration.test_batch_cancellation import (  # noqa: F401 - the fixture
    System,
    a_patient,
    invite_everyone,
    system,
)
from tests.support.api import eventually

pytestmark = pytest.mark.integration
ODS = "M85001"


def test_an_invited_cohort_gets_study_numbers_and_its_populations_reach_the_report(
    system: System,  # noqa: F811
) -> None:
    practices.create_practice(system.uow(system.registry), ODS, "Practice")
    name = f"EQ-{serial()}"
    trial = trials.create_trial(system.uow(system.registry), name, "Heart", "Uni", 28)
    people = {a_patient(system) for _ in range(3)}
    invite_everyone(system, trial.id, expected=3)
    coordinator = Principal(trial.id, "coord", "coordinator", trials=frozenset({trial.id}))

    def numbers() -> set[str | None]:
        with system.uow(system.consent) as uow:
            found = [uow.records.record(p, trial.id) for p in people]
            return {r.study_number for r in found if r is not None}

    eventually(
        lambda: numbers() == {f"{name}-{i:06d}" for i in (1, 2, 3)}, what="three study numbers"
    )
    report = eventually(
        lambda: (
            (r := queries.equity_report(system.uow(system.consent), coordinator, trial.id))
            and r.has_eligible
            and r.has_practice_lists
            and r
        ),
        what="the registry's populations in consent",
    )
    assert report.totals["invited"] == 3 and report.hidden_totals >= {"invited"}
    with system.uow(system.consent) as uow:
        eligible = uow.reporting.populations("eligible", trial.id, [ODS])[ODS]
    assert sum(eligible["language"].values()) == 3 and eligible["language"] == {"bn": 3}

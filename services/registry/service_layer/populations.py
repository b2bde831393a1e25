"""What the registry tells consent about populations, for the equity report's prevalence:
how many people a practice's list and a trial's eligible cohort hold per band value.

Counts only, never who: `registry.population.counted`. Sent with each invitation request,
in its transaction, so consent always has the populations of the practices it hears of.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from services.registry.domain.cohorts import Criteria
from services.registry.domain.model import Trial
from services.registry.service_layer.unit_of_work import RegistryUnitOfWork
from shared import clock

BANDS = ("ethnic_category", "imd_decile", "language", "age_band", "sex")


def _by_band(counts: dict[str, dict[Any, int]]) -> dict[str, dict[str, int]]:
    """As the contract has it: string values, "" where nothing is recorded."""
    found: dict[str, dict[str, int]] = {}
    for band in BANDS:
        values = found.setdefault(band, {})
        for value, n in counts.get(band, {}).items():
            key = "" if value is None else str(value)
            values[key] = values.get(key, 0) + n
    return found


def publish_populations(
    uow: RegistryUnitOfWork,
    trial: Trial,
    practice_ods: str,
    today: date,
    criteria: Criteria | None,
) -> None:
    """The practice's list; and, for a cohort, the trial's eligible cohort at the practice:
    whom the cohort's filter finds and who is old enough, whether or not they can be texted
    or were invited before (the population the invitations should reflect)."""
    now = clock.now()
    whole_list = uow.cohorts.filter_conditions(Criteria.from_dict({}), practice_ods, today)
    populations: list[tuple[str, Any, list[Any]]] = [("practice_list", None, whole_list)]
    if criteria is not None:
        eligible = uow.cohorts.filter_conditions(criteria, practice_ods, today)
        under_age = uow.cohorts.exclusions(trial.id, trial.minimum_age, today)["under_age"]
        populations.append(("eligible", trial.id, [*eligible, ~under_age]))
    for name, trial_id, where in populations:
        uow.publish(
            "registry.population.counted",
            {
                "population": name,
                "practice_ods": practice_ods,
                "trial_id": trial_id,
                "counted_at": now,
                "counts": _by_band(uow.cohorts.breakdown_counts(where, today)),
            },
        )

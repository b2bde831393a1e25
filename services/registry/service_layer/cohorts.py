"""Cohorts: save an eligibility filter and preview who it finds, and who it leaves out.

Inviting a cohort is service_layer/invitations.py (the same use case as inviting named
participants); it freezes the membership (cohort_members) in the same transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from services.registry.domain.cohorts import Breakdown, Cohort, Criteria, summarise
from services.registry.domain.identifiers import parse_ods_code
from services.registry.service_layer.invitations import today_at, visible_cohort
from services.registry.service_layer.unit_of_work import RegistryUnitOfWork
from shared.auth.principal import Principal
from shared.errors import InvalidInput, NotFound


def create_cohort(
    uow: RegistryUnitOfWork,
    principal: Principal,
    trial_id: uuid.UUID,
    practice_ods: str,
    name: str,
    criteria: dict[str, Any],
) -> Cohort:
    ods = parse_ods_code(practice_ods, "practice_ods")
    principal.require_practice(ods)
    checked = Criteria.from_dict(criteria)
    with uow:
        if uow.registry.trial(trial_id) is None:
            raise NotFound(f"no trial {trial_id}")
        if uow.registry.practice(ods) is None:
            raise InvalidInput.for_field("practice_ods", f"no practice {ods}")
        cohort = Cohort(trial_id, ods, name.strip(), checked.to_dict(), principal.name)
        uow.registry.add(cohort)
        uow.commit()
    return cohort


def get_cohort(uow: RegistryUnitOfWork, principal: Principal, cohort_id: uuid.UUID) -> Cohort:
    with uow:
        return visible_cohort(uow, principal, cohort_id)


def cohorts_of_trial(
    uow: RegistryUnitOfWork, principal: Principal, trial_id: uuid.UUID, practice_ods: str | None
) -> Sequence[Cohort]:
    if practice_ods is not None:
        ods = parse_ods_code(practice_ods, "practice_ods")
        principal.require_practice(ods)
        scope: list[str] | None = [ods]
    else:
        scope = None if principal.is_admin else sorted(principal.practices)
    with uow:
        if uow.registry.trial(trial_id) is None:
            raise NotFound(f"no trial {trial_id}")
        return uow.registry.cohorts_of(trial_id, scope)


def preview(uow: RegistryUnitOfWork, principal: Principal, cohort_id: uuid.UUID) -> Breakdown:
    """Who the filter finds now and whom the eligibility rule leaves out, by reason; once
    invited, who was invited."""
    with uow:
        cohort = visible_cohort(uow, principal, cohort_id)
        today = today_at(uow, cohort.practice_ods)
        if cohort.frozen_at is not None:
            where = uow.cohorts.member_conditions(cohort.id)
            return summarise(uow.cohorts.breakdown_counts(where, today))
        trial = uow.registry.trial(cohort.trial_id)
        assert trial is not None, "a cohort's trial is never deleted"
        args = (cohort.filter, trial.id, cohort.practice_ods, today, trial.minimum_age)
        where = uow.cohorts.conditions(*args)
        return summarise(uow.cohorts.breakdown_counts(where, today), uow.cohorts.left_out(*args))

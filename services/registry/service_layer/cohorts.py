"""Cohorts: save an eligibility filter, preview who it finds, and invite them.

Requesting invitations freezes the membership (cohort_members), marks each member
invited in the trial, shares new participants with messaging and consent, and sends
the members to messaging in chunks, all in one transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from services.registry.domain.cohorts import Breakdown, Cohort, Criteria, summarise
from services.registry.domain.identifiers import parse_ods_code
from services.registry.domain.model import InvitationBatch, Participant
from services.registry.service_layer.sharing import share
from services.registry.service_layer.unit_of_work import RegistryUnitOfWork
from shared.auth.principal import Principal
from shared.errors import Conflict, InvalidInput, NotFound

CHUNK_SIZE = 500


def _today(uow: RegistryUnitOfWork, practice_ods: str) -> date:
    practice = uow.registry.practice(practice_ods)
    zone = practice.timezone if practice is not None else "Europe/London"
    return datetime.now(ZoneInfo(zone)).date()


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


def _visible(uow: RegistryUnitOfWork, principal: Principal, cohort_id: uuid.UUID) -> Cohort:
    cohort = uow.registry.cohort(cohort_id)
    if cohort is None or not principal.may_see_practice(cohort.practice_ods):
        raise NotFound(f"no cohort {cohort_id}")
    return cohort


def get_cohort(uow: RegistryUnitOfWork, principal: Principal, cohort_id: uuid.UUID) -> Cohort:
    with uow:
        return _visible(uow, principal, cohort_id)


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
    """Who the filter finds now; once invited, who was invited."""
    with uow:
        cohort = _visible(uow, principal, cohort_id)
        today = _today(uow, cohort.practice_ods)
        if cohort.frozen_at is not None:
            where = uow.cohorts.member_conditions(cohort.id)
        else:
            where = uow.cohorts.conditions(
                cohort.filter, cohort.trial_id, cohort.practice_ods, today
            )
        return summarise(uow.cohorts.breakdown_counts(where, today))


@dataclass(frozen=True)
class CohortInvitation:
    batch_id: uuid.UUID
    invited: int
    chunks: int


def request_invitations(
    uow: RegistryUnitOfWork,
    principal: Principal,
    cohort_id: uuid.UUID,
    dob_key: str,
    expected_count: int | None = None,
) -> CohortInvitation:
    """Freeze and invite. With `expected_count` (what staff saw in the preview), a cohort
    that has changed since is refused, so nobody is invited whom staff did not see."""
    with uow:
        cohort = _visible(uow, principal, cohort_id)
        today = _today(uow, cohort.practice_ods)
        where = uow.cohorts.conditions(
            cohort.filter, cohort.trial_id, cohort.practice_ods, today, invitable=True
        )
        size = uow.cohorts.freeze(cohort.id, where)
        if size == 0:
            raise InvalidInput.for_field("cohort", "nobody in this cohort can be invited now")
        if expected_count is not None and size != expected_count:
            # Nothing is committed: the freeze above rolls back with the unit of work.
            raise Conflict(
                f"the cohort now has {size} people who can be texted, not {expected_count}: "
                "preview it again, then confirm the new figure"
            )
        batch_id = uuid.uuid4()
        cohort.freeze(batch_id, size)
        now = datetime.now(UTC)
        uow.cohorts.mark_invited(cohort.id, cohort.trial_id, now)
        uow.registry.add_batch(
            InvitationBatch(cohort.trial_id, cohort.practice_ods, [], principal.name, id=batch_id),
            size=size,
        )
        unshared = uow.cohorts.unshared_members(cohort.id)
        for start in range(0, len(unshared), 1000):
            people: list[Participant] = list(
                uow.registry.participants_in(cohort.practice_ods, unshared[start : start + 1000])
            )
            share(uow, people, dob_key)
        chunks = -(-size // CHUNK_SIZE)
        for index, ids in enumerate(uow.cohorts.member_ids(cohort.id, CHUNK_SIZE)):
            uow.publish(
                "registry.invitations.requested",
                {
                    "batch_id": batch_id,
                    "trial_id": cohort.trial_id,
                    "practice_ods": cohort.practice_ods,
                    "chunk": index,
                    "chunks": chunks,
                    "participant_ids": ids,
                },
            )
        uow.commit()
    return CohortInvitation(batch_id, size, chunks)

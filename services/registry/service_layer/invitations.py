"""Asking messaging to invite participants: the one use case behind both entrances.

Staff name the participants (POST /trials/{id}/invitations) or invite a cohort (POST
/cohorts/{id}/invitations). Either way every candidate meets the one eligibility rule
(domain/eligibility.py); those let through are marked invited in the trial, shared with
messaging and consent if new to them, and sent to messaging in chunks, all in one
transaction. A cancelled batch returns its unsent members (`return_unsent`).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from zoneinfo import ZoneInfo

from services.registry.domain.cohorts import Cohort
from services.registry.domain.eligibility import NOT_INVITED, REASONS, Candidate, exclusion
from services.registry.domain.identifiers import parse_ods_code
from services.registry.domain.model import InvitationBatch, Trial
from services.registry.service_layer.populations import publish_populations
from services.registry.service_layer.sharing import share
from services.registry.service_layer.unit_of_work import RegistryUnitOfWork
from shared import clock
from shared.auth.principal import Principal
from shared.chunks import chunked
from shared.errors import Conflict, InvalidInput, NotFound
from shared.logs import get_logger

log = get_logger(__name__)

CHUNK_SIZE = 500


@dataclass(frozen=True)
class NamedParticipants:
    """Invite these participants of one practice."""

    trial_id: uuid.UUID
    practice_ods: str
    participant_ids: Sequence[uuid.UUID]


@dataclass(frozen=True)
class WholeCohort:
    """Invite whom the cohort's filter finds now. With `expected_count` (what staff saw
    in the preview), a cohort that has changed since is refused, so nobody is invited
    whom staff did not see."""

    cohort_id: uuid.UUID
    expected_count: int | None = None


@dataclass(frozen=True)
class InvitationOutcome:
    batch_id: uuid.UUID
    invited: list[uuid.UUID]
    chunks: int
    skipped: dict[str, str] = field(default_factory=dict)  # participant id -> why


def today_at(uow: RegistryUnitOfWork, practice_ods: str) -> date:
    practice = uow.registry.practice(practice_ods)
    zone = practice.timezone if practice is not None else "Europe/London"
    return clock.now().astimezone(ZoneInfo(zone)).date()


def visible_cohort(uow: RegistryUnitOfWork, principal: Principal, cohort_id: uuid.UUID) -> Cohort:
    return principal.visible_at_practice(uow.registry.cohort(cohort_id), f"no cohort {cohort_id}")


def request_invitations(
    uow: RegistryUnitOfWork,
    principal: Principal,
    request: NamedParticipants | WholeCohort,
    dob_key: str,
) -> InvitationOutcome:
    if isinstance(request, NamedParticipants):
        practice_ods = parse_ods_code(request.practice_ods, "practice_ods")
        principal.require_practice(practice_ods)
        if not request.participant_ids:
            raise InvalidInput.for_field("participant_ids", "name at least one participant")
    with uow:
        cohort: Cohort | None = None
        skipped: dict[str, str] = {}
        if isinstance(request, WholeCohort):
            cohort = visible_cohort(uow, principal, request.cohort_id)
            trial_id, practice_ods = cohort.trial_id, cohort.practice_ods
        else:
            trial_id = request.trial_id
        trial = uow.registry.trial(trial_id)
        if trial is None:
            raise NotFound(f"no trial {trial_id}")
        today = today_at(uow, practice_ods)
        if cohort is not None:
            # The database narrows the practice down to likely candidates; the rule decides.
            where = uow.cohorts.conditions(
                cohort.filter, trial.id, practice_ods, today, trial.minimum_age, invitable=True
            )
            candidates = uow.cohorts.candidates(where)
        elif isinstance(request, NamedParticipants):
            ids = list(dict.fromkeys(request.participant_ids))
            candidates = uow.cohorts.candidates_by_id(practice_ods, ids)
            known = {c.participant_id for c in candidates}
            skipped = {
                str(pid): f"not a participant of practice {practice_ods}"
                for pid in ids
                if pid not in known
            }
        invited = _eligible(candidates, trial, today, skipped)
        if cohort is not None:
            _check_cohort(cohort, invited, request)
        elif not invited:
            raise InvalidInput.for_field("participant_ids", "nobody here can be invited")
        publish_populations(uow, trial, practice_ods, today, cohort.filter if cohort else None)
        outcome = _invite(uow, principal, trial, practice_ods, invited, dob_key, skipped)
        if cohort is not None:
            cohort.freeze(outcome.batch_id, len(invited))
            uow.cohorts.add_members(cohort.id, invited)
        uow.commit()
    return outcome


def _eligible(
    candidates: Sequence[Candidate], trial: Trial, today: date, skipped: dict[str, str]
) -> list[uuid.UUID]:
    invited: list[uuid.UUID] = []
    for candidate in candidates:
        reason = exclusion(candidate, trial.id, trial.minimum_age, today)
        if reason is None:
            invited.append(candidate.participant_id)
        else:
            skipped[str(candidate.participant_id)] = REASONS[reason]
    return invited


def _check_cohort(
    cohort: Cohort, invited: Sequence[uuid.UUID], request: NamedParticipants | WholeCohort
) -> None:
    if cohort.frozen_at is not None:
        raise Conflict("this cohort has been invited already; make a new cohort")
    if not invited:
        raise InvalidInput.for_field("cohort", "nobody in this cohort can be invited now")
    expected = request.expected_count if isinstance(request, WholeCohort) else None
    if expected is not None and len(invited) != expected:
        raise Conflict(
            f"the cohort now has {len(invited)} people who can be texted, not {expected}: "
            "preview it again, then confirm the new figure"
        )


def _invite(
    uow: RegistryUnitOfWork,
    principal: Principal,
    trial: Trial,
    practice_ods: str,
    invited: list[uuid.UUID],
    dob_key: str,
    skipped: dict[str, str],
) -> InvitationOutcome:
    batch = InvitationBatch(trial.id, practice_ods, invited, requested_by=principal.name)
    uow.registry.add_batch(batch)
    uow.cohorts.mark_invited(invited, trial.id, clock.now())
    # Only those new to messaging and consent are loaded whole, to be announced.
    unshared = uow.cohorts.unshared_among(invited)
    for part in chunked(unshared, 1000):
        share(uow, list(uow.registry.participants_in(practice_ods, part)), dob_key)
    chunks = batch.chunks(CHUNK_SIZE)
    for index, chunk in enumerate(chunks):
        uow.publish(
            "registry.invitations.requested",
            {
                "batch_id": batch.id,
                "trial_id": trial.id,
                "practice_ods": practice_ods,
                "chunk": index,
                "chunks": len(chunks),
                "participant_ids": chunk,
            },
        )
    return InvitationOutcome(batch.id, invited, len(chunks), skipped)


def return_unsent(
    uow: RegistryUnitOfWork,
    batch_id: uuid.UUID,
    trial_id: uuid.UUID,
    participant_ids: Sequence[uuid.UUID],
) -> int:
    """Messaging cancelled a batch: those whose invitation never went out are not invited
    any more, and may be invited again. Idempotent; someone whose status has moved on (a
    STOP, say) keeps it. Returns how many went back."""
    returned = 0
    with uow:
        if uow.registry.trial(trial_id) is None:
            raise NotFound(f"trial {trial_id} not known yet")
        for pid in participant_ids:
            status = uow.registry.trial_status(pid, trial_id)
            if status is None:
                if uow.registry.participant(pid) is None:
                    continue  # erased since: their statuses went with them
                # The registry marks them invited before it asks messaging; this cannot
                # be applied, so it is retried and ends in the dead letters to be seen.
                raise Conflict(f"participant {pid} was never invited to trial {trial_id}")
            if status.status == "invited":
                status.status, status.updated_at = NOT_INVITED, clock.now()
                returned += 1
        uow.cohorts.forget_members(batch_id, participant_ids)
        uow.commit()
    log.info("invitations_returned", batch_id=str(batch_id), returned=returned)
    return returned

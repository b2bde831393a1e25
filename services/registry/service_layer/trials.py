"""Use cases for trials and for asking messaging to invite participants."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from services.registry.domain.identifiers import parse_ods_code
from services.registry.domain.model import InvitationBatch, Trial, TrialStatus
from services.registry.service_layer.unit_of_work import RegistryUnitOfWork
from shared.auth.principal import Principal
from shared.errors import Conflict, InvalidInput, NotFound

CHUNK_SIZE = 500


def create_trial(
    uow: RegistryUnitOfWork,
    short_name: str,
    title: str,
    sponsor: str,
    response_deadline_days: int | None,
) -> Trial:
    with uow:
        if uow.registry.trial_by_short_name(short_name) is not None:
            raise Conflict(f"a trial called {short_name} exists already")
        trial = Trial(short_name, title, sponsor, response_deadline_days)
        uow.registry.add(trial)
        uow.publish(
            "registry.trial.created",
            {
                "trial_id": trial.id,
                "short_name": trial.short_name,
                "title": trial.title,
                "response_deadline_days": trial.response_deadline_days,
            },
        )
        uow.commit()
    return trial


def visible_trials(uow: RegistryUnitOfWork, principal: Principal) -> Sequence[Trial]:
    with uow:
        trials = uow.registry.trials()
    if principal.role == "coordinator":
        return [t for t in trials if principal.may_see_trial(t.id)]
    return trials


@dataclass(frozen=True)
class InvitationOutcome:
    batch_id: uuid.UUID
    invited: list[uuid.UUID]
    skipped: dict[str, str]  # participant id -> why


def request_invitations(
    uow: RegistryUnitOfWork,
    principal: Principal,
    trial_id: uuid.UUID,
    practice_ods: str,
    participant_ids: Sequence[uuid.UUID],
) -> InvitationOutcome:
    """Freeze who is invited and send them to messaging in chunks, in one transaction."""
    practice_ods = parse_ods_code(practice_ods, "practice_ods")
    principal.require_practice(practice_ods)
    if not participant_ids:
        raise InvalidInput.for_field("participant_ids", "name at least one participant")
    with uow:
        if uow.registry.trial(trial_id) is None:
            raise NotFound(f"no trial {trial_id}")
        found = {p.id: p for p in uow.registry.participants_in(practice_ods, participant_ids)}
        invited: list[uuid.UUID] = []
        skipped: dict[str, str] = {}
        for pid in dict.fromkeys(participant_ids):
            participant = found.get(pid)
            if participant is None:
                skipped[str(pid)] = f"not a participant of practice {practice_ods}"
            elif not participant.can_be_invited:
                skipped[str(pid)] = "opted out" if participant.opted_out else "no mobile number"
            elif uow.registry.trial_status(pid, trial_id) is not None:
                skipped[str(pid)] = "already invited to this trial"
            else:
                invited.append(pid)
        if not invited:
            raise InvalidInput.for_field("participant_ids", "nobody here can be invited")
        batch = InvitationBatch(trial_id, practice_ods, invited, requested_by=principal.name)
        uow.registry.add_batch(batch)
        for pid in invited:
            uow.registry.add(TrialStatus(pid, trial_id, "invited"))
        chunks = batch.chunks(CHUNK_SIZE)
        for index, chunk in enumerate(chunks):
            uow.publish(
                "registry.invitations.requested",
                {
                    "batch_id": batch.id,
                    "trial_id": trial_id,
                    "practice_ods": practice_ods,
                    "chunk": index,
                    "chunks": len(chunks),
                    "participant_ids": chunk,
                },
            )
        uow.commit()
    return InvitationOutcome(batch.id, invited, skipped)

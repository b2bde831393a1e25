"""Use cases for trials and for asking messaging to invite participants."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from services.registry.domain.identifiers import parse_ods_code
from services.registry.domain.model import InvitationBatch, Participant, Trial, TrialStatus
from services.registry.service_layer.sharing import share
from services.registry.service_layer.unit_of_work import RegistryUnitOfWork
from shared import languages
from shared.auth.principal import Principal
from shared.errors import Conflict, FieldError, InvalidInput, NotFound

CHUNK_SIZE = 500


def create_trial(
    uow: RegistryUnitOfWork,
    short_name: str,
    title: str,
    sponsor: str,
    response_deadline_days: int | None,
    trial_languages: Sequence[str] = ("en",),
) -> Trial:
    """A new trial, announced to messaging and consent. When its texts may go out is not
    kept here: messaging owns sending windows (its per-trial messaging settings)."""
    codes = _trial_languages(trial_languages)
    with uow:
        if uow.registry.trial_by_short_name(short_name) is not None:
            raise Conflict(f"a trial called {short_name} exists already")
        trial = Trial(short_name, title, sponsor, response_deadline_days, languages=codes)
        uow.registry.add(trial)
        uow.publish(
            "registry.trial.created",
            {
                "trial_id": trial.id,
                "short_name": trial.short_name,
                "title": trial.title,
                "response_deadline_days": trial.response_deadline_days,
                "languages": trial.languages,
            },
        )
        uow.commit()
    return trial


def _trial_languages(raw: Sequence[str]) -> list[str]:
    codes: list[str] = []
    errors: list[FieldError] = []
    for text in raw:
        found = languages.parse_language(text)
        if found is None:
            errors.append(FieldError("languages", f"{text[:40]!r} is not a language we know"))
        elif found.code not in codes:
            codes.append(found.code)
    if errors:
        raise InvalidInput("; ".join(f"{e.field}: {e.reason}" for e in errors), errors)
    if not codes:
        raise InvalidInput.for_field("languages", "name at least one language")
    return codes


def get_trial(uow: RegistryUnitOfWork, principal: Principal, trial_id: uuid.UUID) -> Trial:
    with uow:
        trial = uow.registry.trial(trial_id)
        if trial is None or (
            principal.role == "coordinator" and not principal.may_see_trial(trial_id)
        ):
            raise NotFound(f"no trial {trial_id}")
        return trial


def statuses_in_trial(
    uow: RegistryUnitOfWork,
    principal: Principal,
    trial_id: uuid.UUID,
    practice_ods: str,
    after: uuid.UUID | None,
    limit: int,
) -> tuple[dict[str, int], Sequence[tuple[Participant, TrialStatus]]]:
    """Each of the practice's participants in this trial with their status, and the counts."""
    ods = parse_ods_code(practice_ods, "practice_ods")
    principal.require_practice(ods)
    with uow:
        if uow.registry.trial(trial_id) is None:
            raise NotFound(f"no trial {trial_id}")
        counts = uow.registry.status_counts(trial_id, ods)
        return counts, uow.registry.statuses_in_trial(trial_id, ods, after, limit)


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
    dob_key: str,
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
        share(uow, [found[pid] for pid in invited], dob_key)
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

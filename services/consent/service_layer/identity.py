"""What the patient's practice sees and does about the identity check: the lock, lifting it,
a new link. Only staff of the patient's own practice (or an admin); each action is in the
record's audit chain, with the token's id as the actor and nothing personal."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from services.consent.domain import lifecycle
from services.consent.domain.lifecycle import ConsentRecord
from services.consent.service_layer import outreach
from services.consent.service_layer.changes import actor_of
from services.consent.service_layer.unit_of_work import ConsentUnitOfWork
from shared import clock
from shared.auth.principal import Principal
from shared.errors import InvalidTransition, NotFound

# A new link makes sense while the patient still has something to do on the page.
NEW_LINK_FOR = frozenset({lifecycle.LINK_SENT, lifecycle.CONSENTED})


@dataclass(frozen=True)
class TrialConsent:
    trial_id: uuid.UUID
    short_name: str | None
    status: str | None
    study_number: str | None
    link_live: bool
    locked_until: datetime | None


def _practice_checked(
    uow: ConsentUnitOfWork, principal: Principal, participant_id: uuid.UUID
) -> None:
    principal.visible_at_practice(
        uow.participants.participant(participant_id),
        f"no patient {participant_id} at your practices",
    )


def consent_of(
    uow: ConsentUnitOfWork, principal: Principal, participant_id: uuid.UUID
) -> list[TrialConsent]:
    with uow:
        _practice_checked(uow, principal, participant_id)
        found = []
        for record in uow.records.records_of(participant_id):
            now = clock.now()
            live = [
                link
                for link in uow.consent_links.live_links(participant_id, record.trial_id)
                if link.is_live(now)
            ]
            locked = [link.locked_until for link in live if link.is_locked(now)]
            trial = uow.trials.trial(record.trial_id)
            found.append(
                TrialConsent(
                    record.trial_id,
                    trial.short_name if trial else None,
                    record.status,
                    getattr(record, "study_number", None),
                    bool(live),
                    max(locked) if locked else None,  # type: ignore[type-var]
                )
            )
        return found


def _record(
    uow: ConsentUnitOfWork, principal: Principal, participant_id: uuid.UUID, trial_id: uuid.UUID
) -> ConsentRecord:
    _practice_checked(uow, principal, participant_id)
    record = uow.records.record(participant_id, trial_id, lock=uow.row_locks)
    if record is None:
        raise NotFound(f"no consent record for this patient in trial {trial_id}")
    return record


def lift_lock(
    uow: ConsentUnitOfWork,
    principal: Principal,
    participant_id: uuid.UUID,
    trial_id: uuid.UUID,
    reason: str = "other",
) -> bool:
    """Lift the lockout on the patient's live link; False when nothing was locked."""
    with uow:
        record = _record(uow, principal, participant_id, trial_id)
        lifted, now = False, clock.now()
        for link in uow.consent_links.live_links(participant_id, trial_id):
            lifted = link.lift_lock(now) or lifted
        if lifted:
            entry = record.note(
                "identity_lock_lifted", actor=actor_of(principal), channel="console", reason=reason
            )
            uow.audit.add(entry)
        uow.commit()
    return lifted


def new_link(
    uow: ConsentUnitOfWork,
    principal: Principal,
    participant_id: uuid.UUID,
    trial_id: uuid.UUID,
    reason: str = "other",
) -> None:
    """Text the patient a new link (the old one stops working)."""
    with uow:
        record = _record(uow, principal, participant_id, trial_id)
        if record.status not in NEW_LINK_FOR:
            raise InvalidTransition(f"a record that is {record.status} has no page to link to")
        if outreach.offer_link(uow, record) is None:
            raise InvalidTransition("the trial has no published consent form")
        entry = record.note(
            "link_reissued", actor=actor_of(principal), channel="console", reason=reason
        )
        uow.audit.add(entry)
        uow.commit()


def set_identity_check(
    uow: ConsentUnitOfWork, principal: Principal, trial_id: uuid.UUID, check: str
) -> None:
    """An admin chooses the trial's identity check (the schema allows only known ones)."""
    principal.require_trial(trial_id)
    with uow:
        if not uow.trials.set_identity_check(trial_id, check):
            raise NotFound(f"no trial {trial_id}")
        uow.commit()

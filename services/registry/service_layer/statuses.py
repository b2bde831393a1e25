"""Keeping each participant's status per trial, from consent and messaging events."""

from __future__ import annotations

import uuid

from services.registry.domain.model import TrialStatus
from services.registry.service_layer.unit_of_work import RegistryUnitOfWork
from shared import clock


class StatusOutOfOrder(Exception):
    """A change arrived before the one it follows (a retried event overtook it).

    Raised so the bus retries it later; nothing is lost, and a change that never fits
    ends in the dead letters where it can be seen.
    """


def record_trial_status(
    uow: RegistryUnitOfWork,
    participant_id: uuid.UUID,
    trial_id: uuid.UUID,
    status: str,
    previous_status: str | None = None,
) -> None:
    with uow:
        if uow.registry.participant(participant_id) is None:
            return  # erased since: nothing to keep
        current = uow.registry.trial_status(participant_id, trial_id)
        if current is None:
            uow.registry.add(TrialStatus(participant_id, trial_id, status))
        elif current.status == status:
            return  # already there
        elif previous_status is None:
            # Consent opening its record (None -> invited) says nothing the registry did
            # not know: it marked them invited itself. Arriving late, after a cancelled
            # batch returned them to not_invited, it must not make them invited again.
            return
        elif previous_status is not None and current.status != previous_status:
            raise StatusOutOfOrder(
                f"{previous_status} -> {status} arrived while the status is {current.status}"
            )
        else:
            current.status = status
            current.updated_at = clock.now()
        uow.commit()


def record_opt_out(uow: RegistryUnitOfWork, participant_id: uuid.UUID, opted_out: bool) -> None:
    """STOP and START belong to the number: every patient with it follows, including those
    messaging has not heard of yet (never invited)."""
    with uow:
        participant = uow.registry.participant(participant_id)
        if participant is not None:
            same = uow.registry.with_mobile(participant.mobile) if participant.mobile else []
            for each in {p.id: p for p in (participant, *same)}.values():
                each.opted_out = opted_out
                each.updated_at = clock.now()
        uow.commit()

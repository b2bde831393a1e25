"""What coordinators ask: a trial's records, one record and its history, a summary."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from services.consent.domain.audit import AuditEntry, first_broken
from services.consent.domain.lifecycle import STATUSES, ConsentRecord
from services.consent.domain.participant import ParticipantBands
from services.consent.service_layer.unit_of_work import ConsentUnitOfWork
from shared.auth.principal import Principal
from shared.errors import NotFound


@dataclass(frozen=True)
class RecordView:
    record: ConsentRecord
    participant: ParticipantBands | None
    history: Sequence[AuditEntry]
    chain_broken_at: int | None


def get_record(
    uow: ConsentUnitOfWork, principal: Principal, trial_id: uuid.UUID, participant_id: uuid.UUID
) -> RecordView:
    principal.require_trial(trial_id)
    with uow:
        record = uow.consent.record(participant_id, trial_id)
        if record is None:
            raise NotFound(f"no consent record for {participant_id} in trial {trial_id}")
        history = uow.consent.history(record.id)
        broken = first_broken(history, head=(record.last_seq, record.last_hash))
        return RecordView(record, uow.consent.participant(participant_id), history, broken)


def list_records(
    uow: ConsentUnitOfWork,
    principal: Principal,
    trial_id: uuid.UUID,
    status: str | None,
    after: uuid.UUID | None,
    limit: int,
) -> Sequence[ConsentRecord]:
    principal.require_trial(trial_id)
    with uow:
        return uow.consent.records_in_trial(trial_id, status, after, limit)


def summary(uow: ConsentUnitOfWork, principal: Principal, trial_id: uuid.UUID) -> dict[str, int]:
    principal.require_trial(trial_id)
    with uow:
        counts = uow.consent.status_counts(trial_id)
    return {status: counts.get(status, 0) for status in STATUSES}

"""Checking the audit chains: every record's entries against each other and the record's head."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from services.consent.domain.audit import first_broken
from services.consent.service_layer.unit_of_work import ConsentUnitOfWork
from shared.auth.principal import Principal


@dataclass(frozen=True)
class BrokenChain:
    record_id: uuid.UUID
    participant_id: uuid.UUID
    trial_id: uuid.UUID
    first_broken_seq: int


@dataclass
class Verification:
    checked: int = 0
    broken: list[BrokenChain] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not self.broken


def verify_chains(
    uow_factory: Callable[[], ConsentUnitOfWork],
    principal: Principal,
    trial_id: uuid.UUID | None = None,
    participant_id: uuid.UUID | None = None,
    batch: int = 1000,
) -> Verification:
    """Verify one trial's chains (or every chain), a batch of records at a time."""
    if trial_id is not None:
        principal.require_trial(trial_id)
    result = Verification()
    with uow_factory() as reader, uow_factory() as loader:
        pending: list[tuple[uuid.UUID, uuid.UUID, uuid.UUID, int, str]] = []

        def flush() -> None:
            histories = loader.consent.histories([p[0] for p in pending])
            for record_id, pid, tid, last_seq, last_hash in pending:
                seq = first_broken(histories[record_id], head=(last_seq, last_hash))
                if seq is not None:
                    result.broken.append(BrokenChain(record_id, pid, tid, seq))
            result.checked += len(pending)
            pending.clear()

        for row in reader.consent.record_ids(trial_id):
            if participant_id is not None and row.participant_id != participant_id:
                continue
            pending.append(tuple(row))
            if len(pending) >= batch:
                flush()
        if pending:
            flush()
    return result

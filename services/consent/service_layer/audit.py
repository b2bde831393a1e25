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
    after: uuid.UUID | None = None
    # Page by record id in one session: SQLite allows one transaction at a time per file.
    with uow_factory() as uow:
        while True:
            heads = uow.audit.record_heads(trial_id, after, batch)
            if not heads:
                break
            after = heads[-1].id
            wanted = [h for h in heads if participant_id in (None, h.participant_id)]
            histories = uow.audit.histories([h.id for h in wanted])
            for head in wanted:
                seq = first_broken(histories[head.id], head=(head.last_seq, head.last_hash))
                if seq is not None:
                    result.broken.append(
                        BrokenChain(head.id, head.participant_id, head.trial_id, seq)
                    )
            result.checked += len(wanted)
            uow.forget_loaded()  # keep memory flat on large trials
    return result

"""The audit chain of each consent record (hash-linked entries)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.consent.adapters.orm import audit_entries, consent_records
from services.consent.domain.audit import AuditEntry

_r = consent_records.c
_a = audit_entries.c


class AuditRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, entry: AuditEntry) -> None:
        self.session.add(entry)

    def history(self, record_id: uuid.UUID) -> Sequence[AuditEntry]:
        query = select(AuditEntry).where(_a.record_id == record_id).order_by(_a.seq)
        return self.session.scalars(query).all()

    def record_heads(
        self, trial_id: uuid.UUID | None, after: uuid.UUID | None, limit: int
    ) -> Sequence[Any]:
        """The next page of records' (id, participant, trial, last seq, last hash), by id."""
        query = select(_r.id, _r.participant_id, _r.trial_id, _r.last_seq, _r.last_hash)
        if trial_id is not None:
            query = query.where(_r.trial_id == trial_id)
        if after is not None:
            query = query.where(_r.id > after)
        return self.session.execute(query.order_by(_r.id).limit(limit)).all()

    def histories(self, record_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[AuditEntry]]:
        found: dict[uuid.UUID, list[AuditEntry]] = {rid: [] for rid in record_ids}
        query = select(AuditEntry).where(_a.record_id.in_(record_ids)).order_by(_a.seq)
        for entry in self.session.scalars(query):
            found[entry.record_id].append(entry)
        return found

"""Consent repositories on a SQLAlchemy session."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from services.consent.adapters.orm import audit_entries, consent_records, trials
from services.consent.domain.audit import AuditEntry
from services.consent.domain.lifecycle import ConsentRecord
from services.consent.domain.participant import ParticipantBands

# Queries name the tables' columns: the domain dataclasses stay plain for the type checker.
_r = consent_records.c
_a = audit_entries.c


class ConsentRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, obj: ParticipantBands | ConsentRecord | AuditEntry) -> None:
        self.session.add(obj)

    def participant(self, participant_id: uuid.UUID) -> ParticipantBands | None:
        return self.session.get(ParticipantBands, participant_id)

    def save_trial(
        self, trial_id: uuid.UUID, short_name: str, title: str, deadline_days: int | None
    ) -> None:
        self.session.execute(delete(trials).where(trials.c.id == trial_id))
        self.session.execute(
            insert(trials).values(
                id=trial_id,
                short_name=short_name,
                title=title,
                response_deadline_days=deadline_days,
            )
        )

    def record(
        self, participant_id: uuid.UUID, trial_id: uuid.UUID, *, lock: bool = False
    ) -> ConsentRecord | None:
        query = select(ConsentRecord).where(
            _r.participant_id == participant_id,
            _r.trial_id == trial_id,
        )
        if lock:
            query = query.with_for_update()
        return self.session.scalars(query).first()

    def records_of(self, participant_id: uuid.UUID) -> Sequence[ConsentRecord]:
        query = select(ConsentRecord).where(_r.participant_id == participant_id)
        return self.session.scalars(query).all()

    def records_in_trial(
        self, trial_id: uuid.UUID, status: str | None, after: uuid.UUID | None, limit: int
    ) -> Sequence[ConsentRecord]:
        query = select(ConsentRecord).where(_r.trial_id == trial_id)
        if status is not None:
            query = query.where(_r.status == status)
        if after is not None:
            query = query.where(_r.participant_id > after)
        return self.session.scalars(query.order_by(_r.participant_id).limit(limit)).all()

    def status_counts(self, trial_id: uuid.UUID) -> dict[str, int]:
        query = select(_r.status, func.count()).where(_r.trial_id == trial_id).group_by(_r.status)
        return {status: count for status, count in self.session.execute(query).all()}

    def history(self, record_id: uuid.UUID) -> Sequence[AuditEntry]:
        query = select(AuditEntry).where(_a.record_id == record_id).order_by(_a.seq)
        return self.session.scalars(query).all()

"""Consent records: one per participant and trial, with its study number."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from services.consent.adapters.orm import (
    audit_entries,
    consent_records,
    participants,
    study_sequences,
)
from services.consent.adapters.repositories.record_view import record_view
from services.consent.domain.audit import AuditEntry
from services.consent.domain.filters import RecordFilter
from services.consent.domain.lifecycle import ConsentRecord
from services.consent.domain.participant import ParticipantBands
from services.consent.domain.record_view import RecordParts

# Queries name the tables' columns: the domain dataclasses stay plain for the type checker.
_r = consent_records.c
_a = audit_entries.c
_p = participants.c


def filtered(query: Any, where: RecordFilter, *, joined: bool = False) -> Any:
    """`query` over consent records narrowed by `where` (joining the bands when it needs
    them and `joined` says they are not joined yet)."""
    if where.status is not None:
        query = query.where(_r.status == where.status)
    if where.practice_ods is not None:
        query = query.where(_r.practice_ods == where.practice_ods)
    if where.updated_since is not None:
        query = query.where(_r.updated_at >= where.updated_since)
    if where.needs_bands:
        if not joined:
            query = query.join(participants, _p.participant_id == _r.participant_id)
        for name in ("language", "age_band", "sex", "ethnic_category"):
            value = getattr(where, name)
            if value is not None:
                query = query.where(getattr(_p, name) == value)
    return query


class RecordRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, record: ConsentRecord) -> None:
        self.session.add(record)

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

    def record_by_study_number(
        self, trial_id: uuid.UUID, study_number: str, *, lock: bool = False
    ) -> ConsentRecord | None:
        query = select(ConsentRecord).where(
            _r.trial_id == trial_id, _r.study_number == study_number
        )
        if lock:
            query = query.with_for_update()
        return self.session.scalars(query).first()

    def next_study_sequence(self, trial_id: uuid.UUID) -> int:
        """The trial's next sequence number; the row lock it takes serialises concurrent
        invitations in one trial until their transaction ends, so no number is given twice."""
        dialect = self.session.get_bind().dialect.name
        make = postgresql_insert if dialect == "postgresql" else sqlite_insert
        statement = (
            make(study_sequences)
            .values(trial_id=trial_id, last_number=1)
            .on_conflict_do_update(
                index_elements=["trial_id"],
                set_={"last_number": study_sequences.c.last_number + 1},
            )
            .returning(study_sequences.c.last_number)
        )
        return int(self.session.execute(statement).scalar_one())

    def record_with_bands(
        self, participant_id: uuid.UUID, trial_id: uuid.UUID
    ) -> tuple[ConsentRecord, ParticipantBands | None] | None:
        """The record and the participant's bands in one round trip."""
        query = (
            select(ConsentRecord, ParticipantBands)
            .outerjoin(participants, _p.participant_id == _r.participant_id)
            .where(_r.participant_id == participant_id, _r.trial_id == trial_id)
        )
        row = self.session.execute(query).first()
        return (row[0], row[1]) if row else None

    def record_with_history(
        self, study_number: str, trial_id: uuid.UUID
    ) -> tuple[ConsentRecord, ParticipantBands | None, list[AuditEntry]] | None:
        """The record, the bands and the audit chain in one round trip (one row per entry)."""
        query = (
            select(ConsentRecord, ParticipantBands, AuditEntry)
            .outerjoin(participants, _p.participant_id == _r.participant_id)
            .outerjoin(audit_entries, _a.record_id == _r.id)
            .where(_r.study_number == study_number, _r.trial_id == trial_id)
            .order_by(_a.seq)
        )
        rows = self.session.execute(query).all()
        if not rows:
            return None
        return rows[0][0], rows[0][1], [row[2] for row in rows if row[2] is not None]

    def record_view(self, study_number: str, trial_id: uuid.UUID) -> RecordParts | None:
        """Record, bands, chain, page answers and understanding answers: one round trip."""
        return record_view(self.session, study_number, trial_id)

    def records_of(self, participant_id: uuid.UUID) -> Sequence[ConsentRecord]:
        query = select(ConsentRecord).where(_r.participant_id == participant_id)
        return self.session.scalars(query).all()

    def records_in_trial(
        self, trial_id: uuid.UUID, where: RecordFilter, after: str | None, limit: int
    ) -> Sequence[ConsentRecord]:
        """A page of a trial's records by study number (the unique key coordinators see)."""
        query = select(ConsentRecord).where(_r.trial_id == trial_id)
        query = filtered(query, where)
        if after is not None:
            query = query.where(_r.study_number > after)
        return self.session.scalars(query.order_by(_r.study_number).limit(limit)).all()

    def records_with_status(
        self, trial_id: uuid.UUID, statuses: Sequence[str], updated_before: datetime, limit: int
    ) -> Sequence[ConsentRecord]:
        query = (
            select(ConsentRecord)
            .where(
                _r.trial_id == trial_id,
                _r.status.in_(statuses),
                _r.updated_at < updated_before,
            )
            .limit(limit)
        )
        return self.session.scalars(query).all()

    def consented_before_version(
        self, trial_id: uuid.UUID, version: int
    ) -> Sequence[ConsentRecord]:
        query = select(ConsentRecord).where(
            _r.trial_id == trial_id, _r.status == "consented", _r.form_version < version
        )
        return self.session.scalars(query).all()

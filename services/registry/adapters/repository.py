"""Registry repositories on a SQLAlchemy session."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Select, delete, func, insert, or_, select
from sqlalchemy.orm import Session

from services.registry.adapters.orm import (
    cohorts,
    erasures,
    import_errors,
    imports,
    invitation_batches,
    participants,
    practices,
    trial_setting_changes,
    trial_statuses,
    trials,
)
from services.registry.domain.cohorts import Cohort
from services.registry.domain.filters import ParticipantFilter
from services.registry.domain.imports import ImportJob
from services.registry.domain.model import (
    NOT_INVITED,
    InvitationBatch,
    Participant,
    Practice,
    Trial,
    TrialSettingChange,
    TrialStatus,
)

# Each order ends on the id, so pages never repeat or skip a participant of equal name or age.
SORTS = {
    "name": ("family_name", "given_name"),
    "date_of_birth": ("date_of_birth",),
    "added": ("created_at",),
}


class RegistryRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, obj: Practice | Participant | Trial | TrialStatus | ImportJob | Cohort) -> None:
        self.session.add(obj)

    def practice(self, ods_code: str) -> Practice | None:
        return self.session.get(Practice, ods_code)

    def practices(self) -> Sequence[Practice]:
        return self.session.scalars(select(Practice).order_by(practices.c.ods_code)).all()

    def participant(self, participant_id: uuid.UUID) -> Participant | None:
        return self.session.get(Participant, participant_id)

    def with_mobile(self, mobile: str) -> Sequence[Participant]:
        return self.session.scalars(
            select(Participant).where(participants.c.mobile == mobile)
        ).all()

    def mobile_opted_out(self, mobile: str) -> bool:
        """Whether a patient with this number (at any practice) is opted out: its STOP."""
        query = select(participants.c.id).where(
            participants.c.mobile == mobile, participants.c.opted_out.is_(True)
        )
        return self.session.execute(query.limit(1)).first() is not None

    def participant_by_nhs_number(self, nhs_number: str) -> Participant | None:
        return self.session.scalars(
            select(Participant).where(participants.c.nhs_number == nhs_number)
        ).first()

    def participants_in(self, practice_ods: str, ids: Sequence[uuid.UUID]) -> Sequence[Participant]:
        return self.session.scalars(
            select(Participant).where(
                participants.c.practice_ods == practice_ods,
                participants.c.id.in_(ids),
            )
        ).all()

    def list_participants(
        self,
        found: ParticipantFilter,
        after: uuid.UUID | None,
        limit: int,
        sort: str | None = None,
        offset: int = 0,
    ) -> Sequence[Participant]:
        """A page in id order from `after` (a keyset cursor), or in `sort` order ("name",
        "-name", "date_of_birth", "added" ...) from `offset`."""
        p = participants.c
        query = self._matching(found)
        if sort:
            key = sort.lstrip("-")
            columns = [func.lower(p[c]) if c.endswith("_name") else p[c] for c in SORTS[key]]
            order = [c.desc() if sort.startswith("-") else c.asc() for c in columns]
            query = query.order_by(*order, p.id).offset(offset)
        else:
            query = query.order_by(p.id)
            if after is not None:
                query = query.where(p.id > after)
        return self.session.scalars(query.limit(limit)).all()

    def count_participants(self, found: ParticipantFilter) -> int:
        counted = self._matching(found).with_only_columns(func.count()).order_by(None)
        return int(self.session.scalar(counted) or 0)

    def _matching(self, found: ParticipantFilter) -> Select[Participant]:
        p = participants.c
        query = select(Participant)
        if found.practices is not None:
            query = query.where(p.practice_ods.in_(found.practices))
        if found.nhs_number is not None:
            query = query.where(p.nhs_number == found.nhs_number)
        if found.mobile is not None:
            query = query.where(p.mobile == found.mobile)
        for word in found.name_words:
            # Prefix matches, with % and _ in the word taken literally.
            query = query.where(
                or_(
                    func.lower(p.given_name).startswith(word.lower(), autoescape=True),
                    func.lower(p.family_name).startswith(word.lower(), autoescape=True),
                )
            )
        if found.language is not None:
            query = query.where(p.language == found.language)
        if found.ethnic_category is not None:
            query = query.where(p.ethnic_category == found.ethnic_category)
        if found.textable is not None:
            query = query.where(p.textable == found.textable)
        if found.opted_out is not None:
            query = query.where(p.opted_out == found.opted_out)
        if found.trial_id is not None or found.trial_status is not None:
            ts = trial_statuses.c
            in_trial = select(ts.participant_id)
            if found.trial_id is not None:
                in_trial = in_trial.where(ts.trial_id == found.trial_id)
            if found.trial_status == NOT_INVITED:
                query = query.where(p.id.not_in(in_trial))
            else:
                if found.trial_status is not None:
                    in_trial = in_trial.where(ts.status == found.trial_status)
                query = query.where(p.id.in_(in_trial))
        return query

    def delete_participant(self, participant: Participant) -> None:
        self.session.delete(participant)

    def add_erasure(self, nhs_hash: str, at: datetime) -> None:
        if not self.erased_among([nhs_hash]):
            self.session.execute(insert(erasures).values(nhs_hash=nhs_hash, erased_at=at))

    def erased_among(self, nhs_hashes: Sequence[str]) -> set[str]:
        if not nhs_hashes:
            return set()
        query = select(erasures.c.nhs_hash).where(erasures.c.nhs_hash.in_(nhs_hashes))
        return set(self.session.scalars(query))

    def trial(self, trial_id: uuid.UUID) -> Trial | None:
        return self.session.get(Trial, trial_id)

    def trial_by_short_name(self, short_name: str) -> Trial | None:
        return self.session.scalars(select(Trial).where(trials.c.short_name == short_name)).first()

    def trials(self) -> Sequence[Trial]:
        return self.session.scalars(select(Trial).order_by(trials.c.created_at)).all()

    def add_setting_change(self, change: TrialSettingChange) -> None:
        self.session.add(change)

    def setting_changes(self, trial_id: uuid.UUID) -> Sequence[TrialSettingChange]:
        query = select(TrialSettingChange).where(trial_setting_changes.c.trial_id == trial_id)
        return self.session.scalars(query.order_by(trial_setting_changes.c.changed_at)).all()

    def trial_status(self, participant_id: uuid.UUID, trial_id: uuid.UUID) -> TrialStatus | None:
        return self.session.get(TrialStatus, (participant_id, trial_id))

    def trial_statuses_of(self, participant_id: uuid.UUID) -> Sequence[TrialStatus]:
        return self.session.scalars(
            select(TrialStatus).where(trial_statuses.c.participant_id == participant_id)
        ).all()

    def trial_statuses_of_many(self, ids: Sequence[uuid.UUID]) -> Sequence[TrialStatus]:
        """Every trial status of a page of participants, in one query."""
        if not ids:
            return []
        return self.session.scalars(
            select(TrialStatus).where(trial_statuses.c.participant_id.in_(ids))
        ).all()

    def statuses_in_trial(
        self, trial_id: uuid.UUID, practice_ods: str, after: uuid.UUID | None, limit: int
    ) -> Sequence[tuple[Participant, TrialStatus]]:
        query = (
            select(Participant, TrialStatus)
            .join(TrialStatus, trial_statuses.c.participant_id == participants.c.id)
            .where(trial_statuses.c.trial_id == trial_id)
            .where(participants.c.practice_ods == practice_ods)
            .order_by(participants.c.id)
        )
        if after is not None:
            query = query.where(participants.c.id > after)
        return [(row[0], row[1]) for row in self.session.execute(query.limit(limit))]

    def status_counts(self, trial_id: uuid.UUID, practice_ods: str) -> dict[str, int]:
        query = (
            select(trial_statuses.c.status, func.count())
            .join(participants, trial_statuses.c.participant_id == participants.c.id)
            .where(trial_statuses.c.trial_id == trial_id)
            .where(participants.c.practice_ods == practice_ods)
            .group_by(trial_statuses.c.status)
        )
        return {status: int(n) for status, n in self.session.execute(query)}

    def import_job(self, import_id: uuid.UUID) -> ImportJob | None:
        return self.session.get(ImportJob, import_id)

    def import_jobs(self, practice_ods: str, limit: int = 50) -> Sequence[ImportJob]:
        query = (
            select(ImportJob)
            .where(imports.c.practice_ods == practice_ods)
            .order_by(imports.c.requested_at.desc())
            .limit(limit)
        )
        return self.session.scalars(query).all()

    def import_errors_page(
        self, import_id: uuid.UUID, after: tuple[int, int] | None, limit: int
    ) -> list[tuple[int, int, str, str, str]]:
        """(line, id, column, reason, kind) in file order, after the (line, id) given."""
        e = import_errors.c
        query = select(e.line, e.id, e.column, e.reason, e.kind).where(e.import_id == import_id)
        if after is not None:
            line, id_ = after
            query = query.where(or_(e.line > line, (e.line == line) & (e.id > id_)))
        rows = self.session.execute(query.order_by(e.line, e.id).limit(limit))
        return [(int(r[0]), int(r[1]), str(r[2]), str(r[3]), str(r[4])) for r in rows]

    def forget_import_errors(self, import_id: uuid.UUID) -> None:
        self.session.execute(delete(import_errors).where(import_errors.c.import_id == import_id))

    def cohort(self, cohort_id: uuid.UUID) -> Cohort | None:
        return self.session.get(Cohort, cohort_id)

    def cohorts_of(
        self, trial_id: uuid.UUID, practice_ods: Sequence[str] | None
    ) -> Sequence[Cohort]:
        query = select(Cohort).where(cohorts.c.trial_id == trial_id)
        if practice_ods is not None:
            query = query.where(cohorts.c.practice_ods.in_(practice_ods))
        return self.session.scalars(query.order_by(cohorts.c.created_at)).all()

    def add_batch(self, batch: InvitationBatch, size: int | None = None) -> None:
        self.session.execute(
            insert(invitation_batches).values(
                id=batch.id,
                trial_id=batch.trial_id,
                practice_ods=batch.practice_ods,
                requested_by=batch.requested_by,
                requested_at=batch.requested_at,
                size=len(batch.participant_ids) if size is None else size,
            )
        )

"""Registry repositories on a SQLAlchemy session."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from services.registry.adapters.orm import (
    invitation_batches,
    participants,
    practices,
    trial_statuses,
    trials,
)
from services.registry.domain.model import (
    InvitationBatch,
    Participant,
    Practice,
    Trial,
    TrialStatus,
)


class RegistryRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, obj: Practice | Participant | Trial | TrialStatus) -> None:
        self.session.add(obj)

    def practice(self, ods_code: str) -> Practice | None:
        return self.session.get(Practice, ods_code)

    def practices(self) -> Sequence[Practice]:
        return self.session.scalars(select(Practice).order_by(practices.c.ods_code)).all()

    def participant(self, participant_id: uuid.UUID) -> Participant | None:
        return self.session.get(Participant, participant_id)

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
        self, practice_ods: Sequence[str] | None, after: uuid.UUID | None, limit: int
    ) -> Sequence[Participant]:
        query = select(Participant).order_by(participants.c.id)
        if practice_ods is not None:
            query = query.where(participants.c.practice_ods.in_(practice_ods))
        if after is not None:
            query = query.where(participants.c.id > after)
        return self.session.scalars(query.limit(limit)).all()

    def trial(self, trial_id: uuid.UUID) -> Trial | None:
        return self.session.get(Trial, trial_id)

    def trial_by_short_name(self, short_name: str) -> Trial | None:
        return self.session.scalars(select(Trial).where(trials.c.short_name == short_name)).first()

    def trials(self) -> Sequence[Trial]:
        return self.session.scalars(select(Trial).order_by(trials.c.created_at)).all()

    def trial_status(self, participant_id: uuid.UUID, trial_id: uuid.UUID) -> TrialStatus | None:
        return self.session.get(TrialStatus, (participant_id, trial_id))

    def trial_statuses_of(self, participant_id: uuid.UUID) -> Sequence[TrialStatus]:
        return self.session.scalars(
            select(TrialStatus).where(trial_statuses.c.participant_id == participant_id)
        ).all()

    def add_batch(self, batch: InvitationBatch) -> None:
        self.session.execute(
            insert(invitation_batches).values(
                id=batch.id,
                trial_id=batch.trial_id,
                practice_ods=batch.practice_ods,
                requested_by=batch.requested_by,
                requested_at=batch.requested_at,
                size=len(batch.participant_ids),
            )
        )

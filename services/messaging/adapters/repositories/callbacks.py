"""Callback tasks: the open one of a patient in a trial, the queue oldest first, and the
closed ones of a period for the waiting-time summary."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from services.messaging.adapters.orm import callback_tasks, trials
from services.messaging.domain.callbacks import CallbackTask
from services.messaging.domain.filters import CallbackFilter

_c = callback_tasks.c


class CallbackRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, task: CallbackTask) -> None:
        self.session.add(task)

    def get(self, task_id: uuid.UUID, lock: bool = False) -> CallbackTask | None:
        query = select(CallbackTask).where(_c.id == task_id)
        if lock:
            query = query.with_for_update()
        return self.session.scalars(query).first()

    def open_for(
        self, participant_id: uuid.UUID, trial_id: uuid.UUID | None, lock: bool = False
    ) -> CallbackTask | None:
        trial = _c.trial_id.is_(None) if trial_id is None else _c.trial_id == trial_id
        query = select(CallbackTask).where(
            _c.participant_id == participant_id, trial, _c.closed_at.is_(None)
        )
        if lock:
            query = query.with_for_update()
        return self.session.scalars(query).first()

    def of_participant(self, participant_id: uuid.UUID) -> Sequence[CallbackTask]:
        return self.session.scalars(
            select(CallbackTask).where(_c.participant_id == participant_id)
        ).all()

    def remove(self, task: CallbackTask) -> None:
        self.session.delete(task)

    def listed(self, where: CallbackFilter, limit: int = 500) -> Sequence[CallbackTask]:
        """Oldest first: who has waited longest comes first."""
        query = _within(select(CallbackTask).order_by(_c.opened_at).limit(limit), where)
        if where.state == "closed":
            query = query.where(_c.closed_at.is_not(None))
        else:
            query = query.where(_c.closed_at.is_(None))
            if where.state == "assigned":
                query = query.where(_c.assigned_to.is_not(None))
            elif where.state == "unassigned":
                query = query.where(_c.assigned_to.is_(None))
        return self.session.scalars(query).all()

    def closed_between(
        self, where: CallbackFilter, since: datetime, until: datetime
    ) -> Sequence[CallbackTask]:
        query = select(CallbackTask).where(_c.closed_at >= since, _c.closed_at < until)
        return self.session.scalars(_within(query, where)).all()

    def trial_names(self, trial_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, str]:
        """Each trial's short name, for staff who read tasks of several."""
        if not trial_ids:
            return {}
        query = select(trials.c.id, trials.c.short_name).where(trials.c.id.in_(set(trial_ids)))
        return {row.id: row.short_name for row in self.session.execute(query)}


def _within(query: Select[CallbackTask], where: CallbackFilter) -> Select[CallbackTask]:
    """The tasks of the caller's scope (practices or trials) and of the practice or trial
    asked for."""
    if where.practices is not None:
        query = query.where(_c.practice_ods.in_(where.practices))
    if where.trials is not None:
        query = query.where(_c.trial_id.in_(where.trials))
    if where.practice_ods:
        query = query.where(_c.practice_ods == where.practice_ods)
    if where.trial_id:
        query = query.where(_c.trial_id == where.trial_id)
    return query

"""Trial cascades and each patient's run through one."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from services.messaging.adapters.orm import cascade_runs, inbound_messages, messages
from services.messaging.domain.cascade import RUNNING, Cascade, CascadeRun

_r, _i, _m = cascade_runs.c, inbound_messages.c, messages.c


class CascadeRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def cascade(self, trial_id: uuid.UUID) -> Cascade | None:
        return self.session.get(Cascade, trial_id)

    def add(self, item: Cascade | CascadeRun) -> None:
        self.session.add(item)

    def run_for(self, participant_id: uuid.UUID, trial_id: uuid.UUID) -> CascadeRun | None:
        query = select(CascadeRun).where(
            _r.participant_id == participant_id, _r.trial_id == trial_id
        )
        return self.session.scalars(query).first()

    def running_after(
        self, after: uuid.UUID | None, limit: int, *, lock: bool
    ) -> Sequence[CascadeRun]:
        """A page of running runs, in id order after `after` (every run is looked at)."""
        query = select(CascadeRun).where(_r.state == RUNNING)
        if after is not None:
            query = query.where(_r.id > after)
        query = query.order_by(_r.id).limit(limit)
        if lock:
            query = query.with_for_update(skip_locked=True)
        return self.session.scalars(query).all()

    def states(self, trial_id: uuid.UUID) -> dict[str, int]:
        query = select(_r.state, func.count()).where(_r.trial_id == trial_id).group_by(_r.state)
        return {str(state): int(count) for state, count in self.session.execute(query)}

    def message_status(self, message_id: uuid.UUID) -> str | None:
        return self.session.scalar(select(_m.status).where(_m.id == message_id))

    def answered_since(
        self, participant_id: uuid.UUID, trial_id: uuid.UUID, since: datetime
    ) -> bool:
        """Whether the patient replied about this trial on any channel since `since`."""
        query = select(
            exists().where(
                _i.participant_id == participant_id,
                _i.trial_id == trial_id,
                _i.received_at >= since,
            )
        )
        return bool(self.session.scalar(query))

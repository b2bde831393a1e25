"""Counts by channel for batch previews and reports (decision 30)."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.messaging.adapters.orm import inbound_messages, messages

_m, _i = messages.c, inbound_messages.c


class ReachRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def invitation_texts(self, batch_id: uuid.UUID) -> list[tuple[str, str, str, int]]:
        """(channel, language, body, how many) of the batch's invitations."""
        query = (
            select(_m.channel, _m.language, _m.body, func.count())
            .where(_m.batch_id == batch_id, _m.kind == "invitation")
            .group_by(_m.channel, _m.language, _m.body)
        )
        return [(r[0], r[1] or "en", r[2], int(r[3])) for r in self.session.execute(query)]

    def statuses(self, batch_id: uuid.UUID) -> list[tuple[str, str, int]]:
        """(channel, status, how many) of every message of the batch (cascade steps too)."""
        query = (
            select(_m.channel, _m.status, func.count())
            .where(_m.batch_id == batch_id)
            .group_by(_m.channel, _m.status)
        )
        return [(r[0], r[1], int(r[2])) for r in self.session.execute(query)]

    def replies(self, batch_id: uuid.UUID, trial_id: uuid.UUID) -> list[tuple[str, int]]:
        """(channel, patients who answered on it) among the batch's patients, about its trial."""
        people = select(_m.participant_id).where(_m.batch_id == batch_id, _m.kind == "invitation")
        query = (
            select(_i.channel, func.count(func.distinct(_i.participant_id)))
            .where(_i.trial_id == trial_id, _i.participant_id.in_(people))
            .group_by(_i.channel)
        )
        return [(r[0], int(r[1])) for r in self.session.execute(query)]

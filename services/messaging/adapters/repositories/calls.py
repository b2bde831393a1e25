"""Queries for voice calls (decision 27): which patients and numbers have one in flight,
how many calls a conversation has had, and what a call answered by a machine was."""

from __future__ import annotations

import uuid
from collections.abc import Collection

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from services.messaging.adapters.orm import messages
from services.messaging.domain.model import Message
from services.messaging.domain.voice import IN_FLIGHT, VOICE

_m = messages.c


class CallRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def in_flight(
        self, participant_ids: Collection[uuid.UUID], numbers: Collection[str]
    ) -> tuple[set[uuid.UUID], set[str]]:
        """The patients and the numbers among these with a call that may still ring."""
        if not participant_ids and not numbers:
            return set(), set()
        query = select(_m.participant_id, _m.to).where(
            _m.channel == VOICE,
            _m.status.in_(IN_FLIGHT),
            or_(_m.participant_id.in_(set(participant_ids)), _m.to.in_(set(numbers))),
        )
        rows = self.session.execute(query).all()
        return {r.participant_id for r in rows}, {r.to for r in rows}

    def calls_made(self, message: Message) -> int:
        """Calls of this kind to this patient about this trial so far (the first included)."""
        trial = (
            _m.trial_id.is_(None) if message.trial_id is None else _m.trial_id == message.trial_id
        )
        query = select(func.count()).where(
            _m.channel == VOICE,
            _m.participant_id == message.participant_id,
            trial,
            _m.kind == message.kind,
            _m.status.not_in(("queued", "held")),
        )
        return int(self.session.execute(query).scalar_one())

    def set_answered_by(self, message_id: uuid.UUID, answered_by: str) -> None:
        self.session.execute(
            update(messages)
            .where(_m.id == message_id, _m.answered_by.is_(None))
            .values(answered_by=answered_by[:30])
        )

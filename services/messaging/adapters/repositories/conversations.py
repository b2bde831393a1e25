"""Queries for replies: which conversation a reply belongs to, the review inbox with its
context, and staff opt-in requests. Kept apart from replies.py, which stores them."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import and_, exists, select
from sqlalchemy.orm import Session

from services.messaging.adapters.orm import (
    contacts,
    inbound_messages,
    messages,
    opt_in_requests,
    suppressions,
    trials,
)
from services.messaging.domain.model import InboundMessage, Message
from services.messaging.domain.opt_in import HANDED_ON, OPENERS, OptInRequest

_m, _i = messages.c, inbound_messages.c


class ConversationRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def latest_opener_to(self, mobile: str) -> Message | None:
        """The most recent invitation or reminder handed on to this number: what a reply
        from it answers. A text held, suppressed or failed never reached the phone."""
        query = (
            select(Message)
            .where(_m.to == mobile, _m.kind.in_(OPENERS), _m.status.in_(HANDED_ON))
            .order_by(_m.created_at.desc())
            .limit(1)
        )
        return self.session.scalars(query).first()

    def clarified(self, participant_id: uuid.UUID, trial_id: uuid.UUID | None) -> bool:
        """Whether this conversation was already sent the "we did not understand" text."""
        trial = _m.trial_id.is_(None) if trial_id is None else _m.trial_id == trial_id
        query = select(
            exists().where(_m.participant_id == participant_id, trial, _m.kind == "unclear_ack")
        )
        return bool(self.session.execute(query).scalar())

    def unclear_inbox(self, practices: frozenset[str] | None, limit: int) -> Sequence[Any]:
        """(reply, practice, trial short name, whether its number is stopped now), oldest
        first. Staff see only replies attributed to their practices' patients; a reply
        nobody could attribute is for admins only."""
        stopped = exists().where(suppressions.c.mobile == _i.from_number)
        query = (
            select(
                InboundMessage,
                contacts.c.practice_ods,
                trials.c.short_name,
                stopped.label("number_stopped"),
            )
            .outerjoin(contacts, contacts.c.participant_id == _i.participant_id)
            .outerjoin(trials, trials.c.id == _i.trial_id)
            .where(_i.intent == "unknown", _i.reviewed_intent.is_(None))
            .order_by(_i.received_at)
            .limit(limit)
        )
        if practices is not None:
            query = query.where(contacts.c.practice_ods.in_(practices))
        return self.session.execute(query).all()

    def conversations(
        self, participant_ids: Collection[uuid.UUID]
    ) -> tuple[Sequence[Message], Sequence[InboundMessage]]:
        """Every text to and from these participants, oldest first (the caller groups them
        by trial). Only texts attributed to them: never another practice's patient's."""
        if not participant_ids:
            return [], []
        ids = set(participant_ids)
        out = select(Message).where(_m.participant_id.in_(ids)).order_by(_m.created_at)
        replies = select(InboundMessage).where(_i.participant_id.in_(ids)).order_by(_i.received_at)
        return self.session.scalars(out).all(), self.session.scalars(replies).all()

    # Staff opt-in requests

    def add_opt_in_request(self, request: OptInRequest) -> None:
        self.session.add(request)

    def opt_in_requests(self, mobile: str) -> Sequence[OptInRequest]:
        query = (
            select(OptInRequest)
            .where(opt_in_requests.c.mobile == mobile)
            .order_by(opt_in_requests.c.requested_at)
        )
        return self.session.scalars(query).all()

    def pending_opt_in_requests(self, mobile: str) -> Sequence[OptInRequest]:
        r = opt_in_requests.c
        query = select(OptInRequest).where(and_(r.mobile == mobile, r.confirmed_at.is_(None)))
        return self.session.scalars(query).all()

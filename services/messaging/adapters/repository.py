"""Messaging repositories on a SQLAlchemy session."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import delete, insert, or_, select
from sqlalchemy.orm import Session

from services.messaging.adapters.orm import (
    contacts,
    inbound_messages,
    messages,
    status_events,
    trials,
)
from services.messaging.domain.model import Contact, InboundMessage, Message, Suppression

# Queries name the tables' columns: the domain dataclasses stay plain for the type checker.
_m = messages.c


class MessagingRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, obj: Contact | Message | InboundMessage | Suppression) -> None:
        self.session.add(obj)

    def contact(self, participant_id: uuid.UUID) -> Contact | None:
        return self.session.get(Contact, participant_id)

    def contacts_with_mobile(self, mobile: str) -> Sequence[Contact]:
        query = select(Contact).where(contacts.c.mobile == mobile, contacts.c.erased.is_(False))
        return self.session.scalars(query).all()

    def save_trial(self, trial_id: uuid.UUID, short_name: str, title: str) -> None:
        self.session.execute(delete(trials).where(trials.c.id == trial_id))
        self.session.execute(insert(trials).values(id=trial_id, short_name=short_name, title=title))

    def trial(self, trial_id: uuid.UUID) -> tuple[str, str] | None:
        row = self.session.execute(
            select(trials.c.short_name, trials.c.title).where(trials.c.id == trial_id)
        ).first()
        return (row.short_name, row.title) if row else None

    def message(self, message_id: uuid.UUID, *, lock: bool = False) -> Message | None:
        return self.session.get(Message, message_id, with_for_update=lock or None)

    def messages_for(self, participant_id: uuid.UUID) -> Sequence[Message]:
        query = select(Message).where(_m.participant_id == participant_id).order_by(_m.created_at)
        return self.session.scalars(query).all()

    def claim_queued(self, limit: int, skip_locked: bool) -> Sequence[Message]:
        due = or_(_m.not_before.is_(None), _m.not_before <= datetime.now(UTC))
        query = (
            select(Message)
            .where(_m.status == "queued", due)
            .order_by(_m.priority, _m.created_at)
            .limit(limit)
        )
        if skip_locked:
            query = query.with_for_update(skip_locked=True)
        return self.session.scalars(query).all()

    def stale_attempts(self, started_before: datetime) -> Sequence[Message]:
        query = select(Message).where(
            _m.status == "sending",
            _m.attempt_started_at < started_before,
        )
        return self.session.scalars(query).all()

    def latest_invitation(self, participant_id: uuid.UUID) -> Message | None:
        query = (
            select(Message)
            .where(_m.participant_id == participant_id, _m.kind == "invitation")
            .order_by(_m.created_at.desc())
            .limit(1)
        )
        return self.session.scalars(query).first()

    def inbound_seen(self, provider_sid: str) -> bool:
        query = select(InboundMessage).where(inbound_messages.c.provider_sid == provider_sid)
        return self.session.scalars(query).first() is not None

    def record_status_event(
        self,
        message_id: uuid.UUID,
        provider_sid: str | None,
        status: str,
        error_code: str | None,
        applied: bool,
    ) -> None:
        self.session.execute(
            insert(status_events).values(
                message_id=message_id,
                provider_sid=provider_sid,
                status=status,
                error_code=error_code,
                applied=applied,
                received_at=datetime.now(UTC),
            )
        )

    def suppression(self, mobile: str) -> Suppression | None:
        return self.session.get(Suppression, mobile)

    def remove_suppression(self, mobile: str) -> None:
        found = self.suppression(mobile)
        if found is not None:
            self.session.delete(found)

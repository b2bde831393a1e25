"""Batches: a practice's invitations to a trial, approved, paused, cancelled and reminded
together."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import and_, exists, func, select, update
from sqlalchemy.orm import Session

from services.messaging.adapters.orm import (
    batches,
    contacts,
    inbound_messages,
    messages,
    suppressions,
)
from services.messaging.domain.batches import Batch
from services.messaging.domain.model import Message
from services.messaging.domain.templates import Template
from shared import clock

# Queries name the tables' columns: the domain dataclasses stay plain for the type checker.
_m = messages.c


class BatchRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def batch(self, batch_id: uuid.UUID, *, lock: bool = False) -> Batch | None:
        return self.session.get(Batch, batch_id, with_for_update=lock or None)

    def add_batch(self, batch: Batch) -> None:
        self.session.add(batch)

    def list_batches(self, practices: frozenset[str] | None, limit: int) -> Sequence[Batch]:
        query = select(Batch).order_by(batches.c.created_at.desc()).limit(limit)
        if practices is not None:
            query = query.where(batches.c.practice_ods.in_(practices))
        return self.session.scalars(query).all()

    def batch_texts(
        self, batch_id: uuid.UUID
    ) -> list[tuple[str, str | None, uuid.UUID | None, str, int]]:
        """(channel, language, template id, body, how many) for the batch's invitations."""
        query = (
            select(_m.channel, _m.language, _m.template_id, _m.body, func.count())
            # Letters have no text to preview: service_layer/letters.py previews them.
            .where(_m.batch_id == batch_id, _m.kind == "invitation", _m.channel != "letter")
            .group_by(_m.channel, _m.language, _m.template_id, _m.body)
            .order_by(_m.language, _m.channel)
        )
        return [(r[0], r[1], r[2], r[3], int(r[4])) for r in self.session.execute(query)]

    def held_languages(self, batch_id: uuid.UUID) -> list[str]:
        """The languages of the people whose invitations in this batch are still held."""
        query = (
            select(contacts.c.language)
            .join(contacts, contacts.c.participant_id == _m.participant_id)
            .where(_m.batch_id == batch_id, _m.kind == "invitation", _m.status == "held")
            .distinct()
        )
        return list(self.session.scalars(query))

    def retext_held(
        self, batch_id: uuid.UUID, contact_language: str, template: Template, body: str
    ) -> None:
        """Give the batch's held invitations to people who read `contact_language` this text."""
        readers = select(contacts.c.participant_id).where(contacts.c.language == contact_language)
        self.session.execute(
            update(messages)
            .where(
                _m.batch_id == batch_id,
                _m.kind == "invitation",
                _m.status == "held",
                _m.content_sid.is_(None),  # a WhatsApp template keeps its approved text
                _m.participant_id.in_(readers),
            )
            .values(
                body=body,
                template_id=template.id,
                language=template.language,
                updated_at=clock.now(),
            )
        )

    def open_batches(self, trial_id: uuid.UUID | None) -> Sequence[Batch]:
        """Batches whose invitations are still held (not approved yet, or paused)."""
        query = select(Batch).where(batches.c.status.in_(("draft", "paused")))
        if trial_id is not None:
            query = query.where(batches.c.trial_id == trial_id)
        return self.session.scalars(query).all()

    def batch_status_counts(self, batch_id: uuid.UUID) -> list[tuple[str, str, str | None, int]]:
        """(kind, status, error, how many) for every message of the batch."""
        query = (
            select(_m.kind, _m.status, _m.error, func.count())
            .where(_m.batch_id == batch_id)
            .group_by(_m.kind, _m.status, _m.error)
        )
        return [(r[0], r[1], r[2], int(r[3])) for r in self.session.execute(query)]

    def batch_reply_intents(self, batch: Batch) -> list[tuple[str, int]]:
        """What the batch's people answered about its trial, the staff's reading first."""
        i = inbound_messages.c
        invited = select(_m.participant_id).where(_m.batch_id == batch.id, _m.kind == "invitation")
        meaning = func.coalesce(i.reviewed_intent, i.intent)
        query = (
            select(meaning, func.count())
            .where(i.trial_id == batch.trial_id, i.participant_id.in_(invited))
            .group_by(meaning)
        )
        return [(str(r[0]), int(r[1])) for r in self.session.execute(query)]

    def set_batch_messages(
        self,
        batch_id: uuid.UUID,
        from_statuses: Sequence[str],
        to_status: str,
        not_before: datetime | None = None,
        error: str | None = None,
    ) -> int:
        values: dict[str, object] = {"status": to_status, "updated_at": clock.now()}
        if not_before is not None:
            values["not_before"] = not_before
        if error is not None:
            values["error"] = error
        result = self.session.execute(
            update(messages)
            .where(_m.batch_id == batch_id, _m.status.in_(from_statuses))
            .values(**values)
        )
        return int(result.rowcount)  # type: ignore[attr-defined]

    def batch_message_ids(self, batch_id: uuid.UUID, status: str) -> Sequence[Message]:
        query = select(Message).where(_m.batch_id == batch_id, _m.status == status)
        return self.session.scalars(query).all()

    def batches_due_a_reminder(self) -> Sequence[Batch]:
        query = select(Batch).where(
            batches.c.status == "approved", batches.c.reminder_queued_at.is_(None)
        )
        return self.session.scalars(query).all()

    def unanswered_invitations(self, batch: Batch) -> Sequence[Message]:
        """Invitations of the batch that went out, to people who have not replied about the
        trial and whose number is not on the STOP list."""
        i = inbound_messages.c
        replied = exists().where(
            i.participant_id == _m.participant_id, i.trial_id == batch.trial_id
        )
        stopped = exists().where(suppressions.c.mobile == _m.to)
        earlier = messages.alias("earlier").c
        reminded = exists().where(
            and_(
                earlier.participant_id == _m.participant_id,
                earlier.batch_id == batch.id,
                earlier.kind == "reminder",
            )
        )
        query = select(Message).where(
            _m.batch_id == batch.id,
            _m.kind == "invitation",
            _m.status.in_(("accepted", "sent", "delivered")),
            ~replied,
            ~stopped,
            ~reminded,
        )
        return self.session.scalars(query).all()

    def first_sent_at(self, batch_id: uuid.UUID) -> datetime | None:
        query = select(func.min(_m.attempt_started_at)).where(
            _m.batch_id == batch_id, _m.kind == "invitation"
        )
        return self.session.execute(query).scalar()

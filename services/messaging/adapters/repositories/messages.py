"""Outbound messages: creating them, loop protection, claiming them to send, recording
attempts and finding the ones to reconcile with the provider (decision 16)."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, exists, func, insert, or_, select, update
from sqlalchemy.orm import Session

from services.messaging.adapters.db_clock import database_now
from services.messaging.adapters.orm import messages, sender_leases
from services.messaging.domain.channels import MESSAGES_API
from services.messaging.domain.model import PRIORITY_NOTIFICATION, PRIORITY_REPLY, Message
from services.messaging.domain.screening import NOT_COUNTED, TextKey
from shared.db.bulk import update_rows

# Queries name the tables' columns: the domain dataclasses stay plain for the type checker.
_m = messages.c


class MessageRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, message: Message) -> None:
        self.session.add(message)

    def add_messages(self, new: Sequence[Message]) -> None:
        """New messages in one multi-row INSERT, outside the session's objects (nothing to
        flush); for a use case that does not touch them again."""
        if new:
            columns = [c.key for c in messages.columns]
            self.session.execute(
                insert(messages), [{key: getattr(m, key) for key in columns} for m in new]
            )

    def message(self, message_id: uuid.UUID, *, lock: bool = False) -> Message | None:
        return self.session.get(Message, message_id, with_for_update=lock or None)

    def messages_for(self, participant_id: uuid.UUID) -> Sequence[Message]:
        query = select(Message).where(_m.participant_id == participant_id).order_by(_m.created_at)
        return self.session.scalars(query).all()

    def messages_by_id(self, ids: Sequence[uuid.UUID], *, lock: bool) -> dict[uuid.UUID, Message]:
        query = select(Message).where(_m.id.in_(ids)).order_by(_m.id)
        if lock:
            query = query.with_for_update()
        return {m.id: m for m in self.session.scalars(query)}

    # Loop protection

    def same_text_count(self, to: str, body: str, since: datetime) -> int:
        query = select(func.count()).where(
            _m.to == to,
            _m.created_at >= since,
            _m.body == body,
            _m.status.notin_(NOT_COUNTED),
        )
        return int(self.session.execute(query).scalar_one())

    def same_text_counts(self, keys: Collection[TextKey], since: datetime) -> dict[TextKey, int]:
        """`same_text_count` for many (to, body) at once, in one query (absent means 0)."""
        if not keys:
            return {}
        wanted = set(keys)
        query = (
            select(_m.to, _m.body, func.count())
            .where(
                _m.to.in_({to for to, _ in wanted}),
                _m.created_at >= since,
                _m.body.in_({body for _, body in wanted}),
                _m.status.notin_(NOT_COUNTED),
            )
            .group_by(_m.to, _m.body)
        )
        counts = {(r[0], r[1]): int(r[2]) for r in self.session.execute(query)}
        return {key: n for key, n in counts.items() if key in wanted}

    # Sending

    def claim_queued(self, limit: int, skip_locked: bool, now: datetime) -> Sequence[Message]:
        due = or_(_m.not_before.is_(None), _m.not_before <= now)
        # A consent text never overtakes the acknowledgement it follows ("we will text
        # you a link", then the link): it waits while an older reply to the same number
        # is unsent, whichever sender holds it (ix_messages_to_created_at).
        earlier = messages.alias("earlier")
        e = earlier.c
        acknowledgement_unsent = exists().where(
            e.to == _m.to,
            e.created_at < _m.created_at,
            e.priority == PRIORITY_REPLY,
            e.status.in_(("queued", "sending")),
        )
        in_turn = or_(_m.priority != PRIORITY_NOTIFICATION, ~acknowledgement_unsent)
        query = (
            select(Message)
            # Letters have a worker of their own (design: Channels).
            .where(_m.status == "queued", _m.channel.in_(MESSAGES_API), due, in_turn)
            .order_by(_m.priority, _m.created_at)
            .limit(limit)
        )
        if skip_locked:
            query = query.with_for_update(skip_locked=True)
        return self.session.scalars(query).all()

    def start_attempts(
        self, ids: Sequence[uuid.UUID], at: datetime, sender_id: uuid.UUID | None = None
    ) -> None:
        """Record an attempt on each, in one statement (see Message.start_attempt), as the
        call of `sender_id`, whose live lease keeps reconciliation away from it."""
        if ids:
            self.session.execute(
                update(messages)
                .where(_m.id.in_(ids))
                .values(
                    status="sending",
                    attempts=_m.attempts + 1,
                    attempt_started_at=at,
                    sender_id=sender_id,
                    outcome_unknown_at=None,
                    updated_at=at,
                )
                .execution_options(synchronize_session=False)
            )

    def set_bodies(self, rows: Sequence[dict[str, Any]]) -> None:
        """[{id, body}] in one statement (bodies with consent link tokens masked)."""
        if rows:
            update_rows(self.session, messages, rows, lambda new: {"body": new.body})

    # Reconciliation with the provider (decision 16)

    def stale_attempts(
        self, started_before: datetime, own_sender: uuid.UUID | None = None
    ) -> Sequence[Message]:
        """Attempts to reconcile: their call ended without an outcome before `started_before`,
        or they started before it and their sender's lease has lapsed (or is `own_sender`,
        who knows which of its calls are still running)."""
        lease_now = database_now(self.session.connection())
        live = exists().where(
            sender_leases.c.id == _m.sender_id, sender_leases.c.expires > lease_now
        )
        no_live_sender = or_(_m.sender_id.is_(None), ~live)
        if own_sender is not None:
            no_live_sender = or_(no_live_sender, _m.sender_id == own_sender)
        query = select(Message).where(
            _m.status == "sending",
            or_(
                _m.outcome_unknown_at < started_before,
                and_(
                    _m.outcome_unknown_at.is_(None),
                    _m.attempt_started_at < started_before,
                    no_live_sender,
                ),
            ),
        )
        return self.session.scalars(query).all()

    def unfinished_with_provider(
        self, updated_after: datetime, updated_before: datetime, limit: int
    ) -> list[tuple[uuid.UUID, str, str]]:
        """Texts the provider took (accepted or sent) with no news between the two times,
        stalest first: (message id, provider sid, status)."""
        query = (
            select(_m.id, _m.provider_sid, _m.status)
            .where(
                # a call's too: one whose callbacks were lost would block the next call
                _m.status.in_(("accepted", "sent", "ringing", "in-progress")),
                _m.provider_sid.is_not(None),
                _m.updated_at < updated_before,
                _m.updated_at > updated_after,
            )
            .order_by(_m.updated_at)
            .limit(limit)
        )
        return [(row.id, row.provider_sid, row.status) for row in self.session.execute(query)]

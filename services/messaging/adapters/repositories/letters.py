"""Letters and their messages: what a letter batch holds, in which state, in which language."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.messaging.adapters.orm import letters, messages
from services.messaging.domain.letters import Letter
from services.messaging.domain.model import Message

_l, _m = letters.c, messages.c


class LetterRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add_all(self, new: Sequence[Letter]) -> None:
        self.session.add_all(new)

    def letter(self, message_id: uuid.UUID, *, lock: bool = False) -> Letter | None:
        return self.session.get(Letter, message_id, with_for_update=lock or None)

    def of_batch(
        self, batch_id: uuid.UUID, statuses: Collection[str], *, lock: bool = False
    ) -> list[tuple[Letter, Message]]:
        """The batch's letters whose messages are in these statuses, in a fixed order."""
        query = (
            select(Letter, Message)
            .join(messages, _m.id == _l.message_id)
            .where(_l.batch_id == batch_id, _m.status.in_(list(statuses)))
            .order_by(_l.language, _l.large_print, _l.created_at, _l.message_id)
        )
        if lock:
            query = query.with_for_update(of=messages)
        return [(row[0], row[1]) for row in self.session.execute(query)]

    def counts(self, batch_id: uuid.UUID) -> list[tuple[str, bool, str, bool, int]]:
        """(language, large print, message status, link made, how many) for the batch."""
        made = _l.link.is_not(None)
        query = (
            select(_l.language, _l.large_print, _m.status, made, func.count())
            .join(messages, _m.id == _l.message_id)
            .where(_l.batch_id == batch_id)
            .group_by(_l.language, _l.large_print, _m.status, made)
        )
        return [
            (r[0], bool(r[1]), r[2], bool(r[3]), int(r[4])) for r in self.session.execute(query)
        ]

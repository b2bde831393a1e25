"""Message statuses: provider callbacks stored as received, then applied to the messages
in groups (the status writer's group commit)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.messaging.adapters.orm import messages, status_events
from shared import clock
from shared.db.bulk import insert_rows, update_rows

# Queries name the tables' columns: the domain dataclasses stay plain for the type checker.
_m = messages.c


class StatusRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def store_status_events(
        self, events: Sequence[tuple[uuid.UUID, str | None, str, str | None]]
    ) -> None:
        """Callbacks as received, not yet applied: (message id, provider SID, status, error)."""
        at = clock.now()
        insert_rows(
            self.session,
            status_events,
            [
                {
                    "message_id": message_id,
                    "provider_sid": provider_sid,
                    "status": status,
                    "error_code": error_code,
                    "received_at": at,
                }
                for message_id, provider_sid, status, error_code in events
            ],
        )

    def pending_status_events(
        self, limit: int, *, lock: bool, only: int | None = None
    ) -> list[Any]:
        """The oldest callbacks not yet applied (or just `only`), skipping those another
        applier holds."""
        query = (
            select(status_events)
            .where(status_events.c.applied.is_(None))
            .order_by(status_events.c.id)
            .limit(limit)
        )
        if only is not None:
            query = query.where(status_events.c.id == only)
        if lock:
            query = query.with_for_update(skip_locked=True)
        return list(self.session.execute(query))

    def mark_status_events(self, rows: Sequence[dict[str, Any]]) -> None:
        """[{id, applied}] in one statement."""
        update_rows(self.session, status_events, rows, lambda new: {"applied": new.applied})

    def status_rows(self, ids: Sequence[uuid.UUID], *, lock: bool) -> dict[uuid.UUID, Any]:
        """The columns a status change and its event need, without loading mapped objects.

        Locked in id order, so two writers of overlapping groups cannot deadlock."""
        query = (
            select(
                _m.id,
                _m.status,
                _m.provider_sid,
                _m.participant_id,
                _m.trial_id,
                _m.batch_id,
                _m.kind,
                _m.error,
                _m.channel,
            )
            .where(_m.id.in_(ids))
            .order_by(_m.id)
        )
        if lock:
            query = query.with_for_update()
        return {row.id: row for row in self.session.execute(query)}

    def set_statuses(self, rows: Sequence[dict[str, Any]], at: datetime) -> None:
        """[{id, status, error, provider_sid}] in one statement; a provider sid fills only a
        blank (a callback may carry the sid before the sender recorded it)."""
        update_rows(
            self.session,
            messages,
            rows,
            lambda new: {
                "status": new.status,
                "error": new.error,
                "provider_sid": func.coalesce(_m.provider_sid, new.provider_sid),
                "updated_at": at,
            },
        )

    def set_accepted(self, rows: Sequence[dict[str, Any]], at: datetime) -> None:
        """[{id, provider_sid, status}] in one statement: the provider's sid, the new status."""
        update_rows(
            self.session,
            messages,
            rows,
            lambda new: {"provider_sid": new.provider_sid, "status": new.status, "updated_at": at},
        )

"""Recordings a call plays (decision 27), kept in the database with their audio, so every
web process serves the same bytes and a backup holds them."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, defer

from services.messaging.adapters.orm import recordings
from services.messaging.domain.recordings import Recording

_r = recordings.c


def _no_audio() -> Any:
    """Listings leave the audio in the database (mapped imperatively: typed as Any)."""
    mapped: Any = Recording
    return defer(mapped.audio)


class RecordingRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, recording: Recording) -> None:
        self.session.add(recording)

    def get(self, recording_id: uuid.UUID, *, lock: bool = False) -> Recording | None:
        return self.session.get(Recording, recording_id, with_for_update=lock or None)

    def for_kind(self, scopes: Sequence[str], kind: str) -> Sequence[Recording]:
        """Every version of this kind in these scopes, without their audio."""
        query = (
            select(Recording)
            .options(_no_audio())
            .where(_r.scope.in_(list(scopes)), _r.kind == kind)
        )
        return self.session.scalars(query).all()

    def listed(self, scope: str | None) -> Sequence[Recording]:
        query = select(Recording).options(_no_audio())
        if scope is not None:
            query = query.where(_r.scope == scope)
        return self.session.scalars(query.order_by(_r.kind, _r.language, _r.version)).all()

    def latest_version(self, scope: str, kind: str, language: str) -> int:
        query = select(func.max(_r.version)).where(
            _r.scope == scope, _r.kind == kind, _r.language == language
        )
        return int(self.session.execute(query).scalar() or 0)

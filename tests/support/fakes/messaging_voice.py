"""Messaging's fake calls and recordings (decision 27), on the store of messaging.py."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING

from services.messaging.domain.model import Message
from services.messaging.domain.recordings import Recording
from services.messaging.domain.voice import IN_FLIGHT, VOICE

if TYPE_CHECKING:
    from tests.support.fakes.messaging import MessagingStore


class FakeCalls:
    def __init__(self, store: MessagingStore) -> None:
        self.store = store

    def _calls(self) -> list[Message]:
        return [m for m in self.store.messages.values() if m.channel == VOICE]

    def in_flight(
        self, participant_ids: Collection[uuid.UUID], numbers: Collection[str]
    ) -> tuple[set[uuid.UUID], set[str]]:
        ringing = [
            m
            for m in self._calls()
            if m.status in IN_FLIGHT and (m.participant_id in participant_ids or m.to in numbers)
        ]
        return {m.participant_id for m in ringing}, {m.to for m in ringing}

    def calls_made(self, message: Message) -> int:
        key = (message.participant_id, message.trial_id, message.kind)
        return sum(
            1
            for m in self._calls()
            if (m.participant_id, m.trial_id, m.kind) == key and m.status not in ("queued", "held")
        )

    def set_answered_by(self, message_id: uuid.UUID, answered_by: str) -> None:
        found = self.store.messages.get(message_id)
        if found is not None and found.answered_by is None:
            found.answered_by = answered_by[:30]


class FakeRecordings:
    def __init__(self, store: MessagingStore) -> None:
        self.store = store

    def add(self, recording: Recording) -> None:
        self.store.recordings[recording.id] = recording

    def get(self, recording_id: uuid.UUID, *, lock: bool = False) -> Recording | None:
        return self.store.recordings.get(recording_id)

    def for_kind(self, scopes: Sequence[str], kind: str) -> Sequence[Recording]:
        return [r for r in self.store.recordings.values() if r.scope in scopes and r.kind == kind]

    def listed(self, scope: str | None) -> Sequence[Recording]:
        found = [r for r in self.store.recordings.values() if scope is None or r.scope == scope]
        return sorted(found, key=lambda r: (r.kind, r.language, r.version))

    def latest_version(self, scope: str, kind: str, language: str) -> int:
        versions = [
            r.version
            for r in self.store.recordings.values()
            if (r.scope, r.kind, r.language) == (scope, kind, language)
        ]
        return max(versions, default=0)

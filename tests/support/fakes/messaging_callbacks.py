"""Messaging's fake callback tasks, on the store of messaging.py."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from services.messaging.domain.callbacks import CallbackTask
from services.messaging.domain.filters import CallbackFilter

if TYPE_CHECKING:
    from tests.support.fakes.messaging import MessagingStore


class FakeCallbacks:
    def __init__(self, store: MessagingStore) -> None:
        self.store = store

    @property
    def tasks(self) -> list[CallbackTask]:
        return self.store.callback_tasks

    def add(self, task: CallbackTask) -> None:
        self.tasks.append(task)

    def get(self, task_id: uuid.UUID, lock: bool = False) -> CallbackTask | None:
        return next((t for t in self.tasks if t.id == task_id), None)

    def open_for(
        self, participant_id: uuid.UUID, trial_id: uuid.UUID | None, lock: bool = False
    ) -> CallbackTask | None:
        return next(
            (
                t
                for t in self.tasks
                if (t.participant_id, t.trial_id) == (participant_id, trial_id)
                and t.closed_at is None
            ),
            None,
        )

    def of_participant(self, participant_id: uuid.UUID) -> Sequence[CallbackTask]:
        return [t for t in self.tasks if t.participant_id == participant_id]

    def remove(self, task: CallbackTask) -> None:
        self.tasks.remove(task)

    def _matches(self, t: CallbackTask, where: CallbackFilter) -> bool:
        return (
            (where.practices is None or t.practice_ods in where.practices)
            and (where.trials is None or t.trial_id in where.trials)
            and (not where.practice_ods or t.practice_ods == where.practice_ods)
            and (not where.trial_id or t.trial_id == where.trial_id)
        )

    def listed(self, where: CallbackFilter, limit: int = 500) -> Sequence[CallbackTask]:
        found = [
            t
            for t in self.tasks
            if self._matches(t, where)
            and (t.state == where.state if where.state else t.state != "closed")
        ]
        return sorted(found, key=lambda t: t.opened_at)[:limit]

    def closed_between(
        self, where: CallbackFilter, since: datetime, until: datetime
    ) -> Sequence[CallbackTask]:
        return [
            t
            for t in self.tasks
            if self._matches(t, where) and t.closed_at is not None and since <= t.closed_at < until
        ]

    def trial_names(self, trial_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, str]:
        trials = self.store.trials
        return {i: trials[i].short_name for i in trial_ids if i in trials}

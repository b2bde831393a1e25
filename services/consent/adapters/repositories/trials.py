"""The trials consent knows: names and deadline from the registry, its own identity check."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from services.consent.adapters.orm import trials
from services.consent.domain.trial import TrialInfo

# TrialInfo's columns by name: the table has more (the signature setting, decision 0031).
_TRIAL_INFO = (
    trials.c.id,
    trials.c.short_name,
    trials.c.title,
    trials.c.response_deadline_days,
    trials.c.identity_check,
)


class TrialRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def save_trial(
        self, trial_id: uuid.UUID, short_name: str, title: str, deadline_days: int | None
    ) -> None:
        # Updated in place: consent's own settings of the trial (its identity check) stay.
        values = {"short_name": short_name, "title": title, "response_deadline_days": deadline_days}
        done = self.session.execute(update(trials).where(trials.c.id == trial_id).values(values))
        if not done.rowcount:  # type: ignore[attr-defined]
            self.session.execute(insert(trials).values(id=trial_id, **values))

    def set_identity_check(self, trial_id: uuid.UUID, check: str) -> bool:
        done = self.session.execute(
            update(trials).where(trials.c.id == trial_id).values(identity_check=check)
        )
        return bool(done.rowcount)  # type: ignore[attr-defined]

    def trial(self, trial_id: uuid.UUID) -> TrialInfo | None:
        row = self.session.execute(select(*_TRIAL_INFO).where(trials.c.id == trial_id)).first()
        return TrialInfo(*row) if row else None

    def trials_with_deadline(self) -> Sequence[TrialInfo]:
        rows = self.session.execute(
            select(*_TRIAL_INFO).where(trials.c.response_deadline_days.is_not(None))
        ).all()
        return [TrialInfo(*row) for row in rows]

"""Trials as messaging knows them: names from the registry, sending settings set here."""

from __future__ import annotations

import uuid

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from services.messaging.adapters.orm import trials
from services.messaging.domain.trial_settings import DEFAULT_INFO_URL, TrialSettings
from services.messaging.domain.windows import SendingWindow


class TrialRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def save_trial(self, trial_id: uuid.UUID, short_name: str, title: str) -> None:
        """Names come from the registry; the sending settings admins set here are kept."""
        found = self.session.execute(
            update(trials).where(trials.c.id == trial_id).values(short_name=short_name, title=title)
        )
        if not found.rowcount:  # type: ignore[attr-defined]
            self.session.execute(
                insert(trials).values(id=trial_id, short_name=short_name, title=title)
            )

    def trial(self, trial_id: uuid.UUID) -> tuple[str, str] | None:
        row = self.session.execute(
            select(trials.c.short_name, trials.c.title).where(trials.c.id == trial_id)
        ).first()
        return (row.short_name, row.title) if row else None

    def trial_settings(self, trial_id: uuid.UUID) -> TrialSettings | None:
        row = self.session.execute(select(trials).where(trials.c.id == trial_id)).first()
        if row is None:
            return None
        window = None
        if row.window_days and row.window_start and row.window_end:
            window = SendingWindow.parse(row.window_days, row.window_start, row.window_end)
        return TrialSettings(
            trial_id=row.id,
            short_name=row.short_name,
            title=row.title,
            info_url=row.info_url or DEFAULT_INFO_URL,
            reminder_days=7 if row.reminder_days is None else (row.reminder_days or None),
            window=window,
            smart_encoding=True if row.smart_encoding is None else row.smart_encoding,
            call_retries=2 if row.call_retries is None else row.call_retries,
            call_retry_delay=7200 if row.call_retry_delay is None else row.call_retry_delay,
            say_allowed=bool(row.say_allowed),
            callback_number=row.callback_number,
        )

    def save_trial_settings(self, settings: TrialSettings) -> None:
        window = settings.window.describe() if settings.window else None
        self.session.execute(
            update(trials)
            .where(trials.c.id == settings.trial_id)
            .values(
                info_url=settings.info_url,
                reminder_days=settings.reminder_days or 0,
                window_days=window["days"] if window else None,
                window_start=window["start"] if window else None,
                window_end=window["end"] if window else None,
                smart_encoding=settings.smart_encoding,
                call_retries=settings.call_retries,
                call_retry_delay=settings.call_retry_delay,
                say_allowed=settings.say_allowed,
                callback_number=settings.callback_number,
            )
        )

"""What messaging keeps per trial: its names, and how and when its texts go out."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta

from services.messaging.domain.voice import RetryPolicy
from services.messaging.domain.windows import SendingWindow

DEFAULT_INFO_URL = "https://www.nhs.uk/conditions/clinical-trials/"


@dataclass
class TrialSettings:
    trial_id: uuid.UUID
    short_name: str
    title: str
    info_url: str = DEFAULT_INFO_URL
    reminder_days: int | None = 7  # None: no reminder for this trial
    window: SendingWindow | None = None  # None: the service's default window
    smart_encoding: bool = True
    # Calls (decision 27): how often one not answered is tried again, and after how long;
    # whether a <Say> voice may speak where the trial has no recording; the number the
    # voicemail message gives (the practice's, until the registry shares practice numbers).
    call_retries: int = 2
    call_retry_delay: int = 7200  # seconds
    say_allowed: bool = False
    callback_number: str | None = None

    def retry_policy(self) -> RetryPolicy:
        return RetryPolicy(self.call_retries, timedelta(seconds=self.call_retry_delay))

    def values(self) -> dict[str, str]:
        """What templates may fill in, bar per-message values such as a consent link."""
        return {"short_name": self.short_name, "title": self.title, "info_url": self.info_url}

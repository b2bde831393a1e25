"""An import of a practice's patient list: its progress and its outcome."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from shared import clock

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
FORMATS = {"csv": "text/csv", "json": "application/json", "jsonl": "application/x-ndjson"}
# A running import touches its row at least this often; one that has not is taken to
# have died with its process (a deploy, a crash) and is reported as interrupted.
HEARTBEAT_GRACE = timedelta(minutes=2)


@dataclass
class ImportJob:
    practice_ods: str
    format: str
    dry_run: bool
    requested_by: str
    rows_total: int = 0
    filename: str | None = None
    ignored_columns: list[str] = field(default_factory=list)
    status: str = QUEUED
    rows_read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    duplicates: int = 0
    noted: int = 0  # rows imported with a note: their language could not be read
    problem: str | None = None
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    requested_at: datetime = field(default_factory=lambda: clock.now())
    heartbeat_at: datetime = field(default_factory=lambda: clock.now())
    finished_at: datetime | None = None

    def is_interrupted(self, at: datetime) -> bool:
        beat = self.heartbeat_at
        if beat.tzinfo is None:  # SQLite hands back naive UTC
            beat = beat.replace(tzinfo=at.tzinfo)
        return self.status in (QUEUED, RUNNING) and at - beat > HEARTBEAT_GRACE

    @property
    def stored(self) -> int:
        return self.created + self.updated


@dataclass(frozen=True)
class BatchOutcome:
    """What storing one batch of imported rows did."""

    created: int
    updated: int
    unchanged: int
    elsewhere: list[str]  # NHS numbers registered at another practice
    shared_updated: list[uuid.UUID]  # updated participants the other services know

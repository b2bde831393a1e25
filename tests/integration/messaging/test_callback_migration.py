"""Migration 0011: replies flagged for a call back before callback tasks existed become
open tasks, one per patient and trial, and leave the review inbox (decision 28). On
PostgreSQL and on SQLite (the local run)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Boolean, DateTime, TextClause, Uuid, bindparam, text
from sqlalchemy.types import TypeEngine

from services.messaging.bootstrap import build_runtime
from shared.db import migrate
from tests.support import settings

pytestmark = pytest.mark.integration


def typed(sql: str) -> TextClause:
    """Typed parameters, so SQLite stores ids and times as SQLAlchemy maps them."""
    names: dict[str, TypeEngine[Any]] = {
        "id": Uuid(),
        "p": Uuid(),
        "t": Uuid(),
        "at": DateTime(timezone=True),
        "flagged": Boolean(),
    }
    return text(sql).bindparams(
        *(bindparam(n, type_=t) for n, t in names.items() if f":{n}" in sql)
    )


@pytest.fixture(params=["postgresql", "sqlite"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "postgresql":
        return str(request.getfixturevalue("fresh_database"))
    return f"sqlite:///{tmp_path / 'messaging.sqlite3'}"


def test_flagged_replies_become_one_open_task_per_patient_and_trial(
    database_url: str, bus_dir: Path
) -> None:
    runtime = build_runtime(
        settings.messaging(database_url, settings.bus_settings("filesystem://", bus_dir))
    )
    patient, trial = uuid.uuid4(), uuid.uuid4()
    first = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)
    try:
        migrate.upgrade(runtime.migrations, database_url, "0010")
        with runtime.engine.begin() as conn:
            conn.execute(
                typed(
                    "INSERT INTO contacts (participant_id, practice_ods, mobile, textable,"
                    " language, erased, updated_at) VALUES (:p, 'M85001', '+447400123456',"
                    " TRUE, 'syl', FALSE, :at)"
                ),
                {"p": patient, "at": first},
            )
            replies = [  # (minutes after first, flagged by, note, flagged?)
                (0, None, None, True),  # the patient texted CALL
                (30, "Sam Patel", "Mornings", True),  # staff flagged an unclear reply
                (60, None, None, False),  # an unclear reply nobody flagged
            ]
            for minutes, by, note, flagged in replies:
                conn.execute(
                    typed(
                        "INSERT INTO inbound_messages (id, provider_sid, from_number, to_number,"
                        " body, participant_id, trial_id, intent, language, channel,"
                        " callback_requested, callback_note, callback_by, received_at)"
                        " VALUES (:id, :sid, '+447400123456', '+447700900000', 'x', :p, :t,"
                        " 'unknown', 'syl', 'sms', :flagged, :note, :by, :at)"
                    ),
                    {
                        "id": uuid.uuid4(),
                        "sid": f"SM{uuid.uuid4().hex}",
                        "p": patient,
                        "t": trial,
                        "flagged": flagged,
                        "note": note,
                        "by": by,
                        "at": first + timedelta(minutes=minutes),
                    },
                )

        runtime.migrate()

        with runtime.uow_factory() as uow:
            task = uow.callbacks.open_for(patient, trial)
            assert task is not None
            assert (task.requests, task.source_list) == (2, ["sms", "review_inbox"])
            assert (task.interpreter_needed, task.request_note) == (True, "Mornings")
            assert task.waited(until=first) == timedelta(0)  # opened with the first request
        with runtime.engine.connect() as conn:
            waiting = conn.execute(
                text("SELECT count(*) FROM inbound_messages WHERE reviewed_intent IS NULL")
            ).scalar_one()
        assert waiting == 1, "only the unflagged reply stays in the review inbox"
    finally:
        runtime.engine.dispose()

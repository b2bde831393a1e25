"""Each service's Alembic history builds, from nothing, exactly the schema its code maps."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import MetaData, inspect, text

from services.consent.adapters import orm as consent_orm
from services.consent.bootstrap import build_runtime as build_consent_runtime
from services.messaging.adapters import orm as messaging_orm
from services.messaging.bootstrap import build_runtime as build_messaging_runtime
from services.registry.adapters import orm as registry_orm
from services.registry.bootstrap import build_runtime as build_registry_runtime
from shared.db import migrate
from shared.runtime import Runtime
from tests.support import settings

pytestmark = pytest.mark.integration

SERVICES: dict[str, tuple[Callable[[str, Any], Any], Callable[[Any], Runtime], MetaData]] = {
    "registry": (settings.registry, build_registry_runtime, registry_orm.metadata),
    "messaging": (settings.messaging, build_messaging_runtime, messaging_orm.metadata),
    "consent": (settings.consent, build_consent_runtime, consent_orm.metadata),
}


@pytest.mark.parametrize("service", SERVICES)
def test_migrations_upgrade_an_empty_database_to_exactly_the_mapped_schema(
    service: str, fresh_database: str, bus_dir: Path
) -> None:
    make_settings, build, metadata = SERVICES[service]
    runtime = build(make_settings(fresh_database, settings.bus_settings("filesystem://", bus_dir)))
    try:
        with runtime.engine.connect() as conn:
            assert inspect(conn).get_table_names() == []

        runtime.migrate()

        with runtime.engine.connect() as conn:
            context = MigrationContext.configure(
                conn, opts={"compare_type": True, "compare_server_default": True}
            )
            assert compare_metadata(context, metadata) == []
            tables = set(inspect(conn).get_table_names())
            head = context.get_current_revision()
        assert tables == set(metadata.tables) | {"alembic_version"}
        assert {"outbox", "inbox", "api_tokens"} <= tables
        assert head is not None

        runtime.migrate()  # at head already: nothing to do, nothing breaks
        with runtime.engine.connect() as conn:
            assert MigrationContext.configure(conn).get_current_revision() == head
    finally:
        runtime.engine.dispose()


def test_consent_records_made_before_study_numbers_get_them_in_the_order_they_were_made(
    fresh_database: str, bus_dir: Path
) -> None:
    runtime = build_consent_runtime(
        settings.consent(fresh_database, settings.bus_settings("filesystem://", bus_dir))
    )
    trial_id, unnamed = uuid.uuid4(), uuid.UUID("ab12cd34-0000-4000-8000-000000000000")
    made = datetime(2026, 1, 1, tzinfo=UTC)
    try:
        migrate.upgrade(runtime.migrations, fresh_database, "0002")
        with runtime.engine.begin() as conn:
            conn.execute(
                text("INSERT INTO trials (id, short_name, title) VALUES (:id, 'Demo AF', 'D')"),
                {"id": trial_id},
            )
            for trial, minutes in ((trial_id, 2), (trial_id, 1), (unnamed, 0)):
                conn.execute(
                    text(
                        "INSERT INTO consent_records (id, participant_id, trial_id, status,"
                        " created_at, updated_at, last_seq, last_hash) VALUES (:id, :p, :t,"
                        " 'invited', :at, :at, 1, :h)"
                    ),
                    {
                        "id": uuid.uuid4(),
                        "p": uuid.UUID(int=minutes + 1),
                        "t": trial,
                        "at": made + timedelta(minutes=minutes),
                        "h": "0" * 64,
                    },
                )

        runtime.migrate()

        with runtime.engine.connect() as conn:
            found: dict[Any, Any] = dict(
                conn.execute(text("SELECT participant_id, study_number FROM consent_records")).all()
            )
            sequences: dict[Any, Any] = dict(
                conn.execute(text("SELECT trial_id, last_number FROM study_sequences")).all()
            )
        assert found == {
            uuid.UUID(int=2): "DEMO-AF-000001",  # made first
            uuid.UUID(int=3): "DEMO-AF-000002",
            uuid.UUID(int=1): "TAB12CD34-000001",  # a trial consent had not heard of
        }
        assert sequences == {trial_id: 2, unnamed: 1}
    finally:
        runtime.engine.dispose()

"""Each service's Alembic history builds, from nothing, exactly the schema its code maps."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import MetaData, inspect

from services.consent.adapters import orm as consent_orm
from services.consent.bootstrap import build_runtime as build_consent_runtime
from services.messaging.adapters import orm as messaging_orm
from services.messaging.bootstrap import build_runtime as build_messaging_runtime
from services.registry.adapters import orm as registry_orm
from services.registry.bootstrap import build_runtime as build_registry_runtime
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

"""Messaging on a real database, built by its migrations."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from services.messaging.bootstrap import build_runtime
from services.messaging.service_layer.unit_of_work import SqlMessagingUnitOfWork
from shared.runtime import Runtime
from tests.support import settings


@contextmanager
def migrated(database_url: str, bus_dir: Path) -> Iterator[Runtime]:
    built = build_runtime(
        settings.messaging(database_url, settings.bus_settings("filesystem://", bus_dir))
    )
    built.migrate()
    yield built
    built.engine.dispose()


@pytest.fixture
def runtime(fresh_database: str, bus_dir: Path) -> Iterator[Runtime]:
    with migrated(fresh_database, bus_dir) as built:
        yield built


def uow(runtime: Runtime) -> SqlMessagingUnitOfWork:
    made = runtime.uow_factory()
    assert isinstance(made, SqlMessagingUnitOfWork)
    return made

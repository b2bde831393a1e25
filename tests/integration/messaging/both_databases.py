"""A `runtime` fixture that runs each test twice: on PostgreSQL and on SQLite (the local
run). A module opts in by importing `on_both_databases`."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from shared.runtime import Runtime
from tests.integration.messaging.conftest import migrated


@pytest.fixture(name="runtime", params=["postgresql", "sqlite"])
def on_both_databases(
    request: pytest.FixtureRequest, tmp_path: Path, bus_dir: Path
) -> Iterator[Runtime]:
    if request.param == "postgresql":
        url = request.getfixturevalue("fresh_database")
    else:
        url = f"sqlite:///{tmp_path / 'messaging.sqlite3'}"
    with migrated(url, bus_dir) as built:
        yield built

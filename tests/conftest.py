"""Fixtures every test layer shares: real servers, fresh databases, bus namespaces."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import servers


@pytest.fixture(scope="session")
def postgres_url() -> str:
    return servers.require("PostgreSQL", servers.POSTGRES_URL, 5432)


@pytest.fixture(scope="session")
def rabbitmq_url() -> str:
    return servers.require("RabbitMQ", servers.RABBITMQ_URL, 5672)


@pytest.fixture
def fresh_database(postgres_url: str) -> Iterator[str]:
    with servers.fresh_postgres_database("t") as url:
        yield url


@pytest.fixture
def bus_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "bus"
    folder.mkdir()
    return folder


_skipped_with_servers: list[str] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.skipped and any(m in report.keywords for m in ("integration", "e2e")):
        _skipped_with_servers.append(report.nodeid)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Under CI, an integration or end-to-end test that skipped fails the run."""
    if os.environ.get("CI") and _skipped_with_servers:
        print(f"\nCI: {len(_skipped_with_servers)} integration/e2e tests were skipped:")
        for nodeid in _skipped_with_servers:
            print(f"  {nodeid}")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED

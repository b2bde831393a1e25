"""Each contract case runs three times: on the in-memory fake, and on the SQLAlchemy
repositories over SQLite (the local run) and over PostgreSQL, each built by its migrations.
One database per module and backend: cases use their own ids, numbers and practices, and
assert only on what they made."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from services.consent.bootstrap import build_runtime as build_consent
from services.consent.service_layer.ports import ConsentUnitOfWork
from services.messaging.bootstrap import build_runtime as build_messaging
from services.messaging.service_layer.ports import MessagingUnitOfWork
from services.registry.bootstrap import build_runtime as build_registry
from services.registry.service_layer.ports import RegistryUnitOfWork
from tests.support import servers, settings
from tests.support.fakes.consent import ConsentStore, FakeConsentUnitOfWork
from tests.support.fakes.messaging import FakeMessagingUnitOfWork, MessagingStore
from tests.support.fakes.registry import FakeRegistryUnitOfWork, RegistryStore

BACKENDS = ["fake", "sqlite", "postgresql"]


@contextmanager
def _database(request: pytest.FixtureRequest, folder: Path, name: str) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{folder / f'{name}.sqlite3'}"
    else:
        request.getfixturevalue("postgres_url")  # skips (fails under CI) without the server
        with servers.fresh_postgres_database(f"contract_{name}") as url:
            yield url


@contextmanager
def _migrated(build: Callable[[Any], Any], make_settings: Any, url: str, folder: Path) -> Any:
    bus = settings.bus_settings("filesystem://", folder / "bus")
    runtime = build(make_settings(url, bus))
    runtime.migrate()
    try:
        yield runtime.uow_factory
    finally:
        runtime.engine.dispose()


def _backend(
    request: pytest.FixtureRequest,
    folder: Path,
    name: str,
    fake: Callable[[], Any],
    build: Callable[[Any], Any],
    make_settings: Any,
) -> Iterator[Callable[[], Any]]:
    """A new unit of work on the fixture's backend; all of them share its state."""
    if request.param == "fake":
        yield fake
        return
    (folder / "bus").mkdir()
    with (
        _database(request, folder, name) as url,
        _migrated(build, make_settings, url, folder) as new,
    ):
        yield new


@pytest.fixture(scope="module", params=BACKENDS)
def messaging(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Callable[[], MessagingUnitOfWork]]:
    store = MessagingStore()
    yield from _backend(
        request,
        tmp_path_factory.mktemp("messaging"),
        "messaging",
        lambda: FakeMessagingUnitOfWork(store),
        build_messaging,
        settings.messaging,
    )


@pytest.fixture(scope="module", params=BACKENDS)
def consent(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Callable[[], ConsentUnitOfWork]]:
    store = ConsentStore()
    yield from _backend(
        request,
        tmp_path_factory.mktemp("consent"),
        "consent",
        lambda: FakeConsentUnitOfWork(store),
        build_consent,
        settings.consent,
    )


@pytest.fixture(scope="module", params=BACKENDS)
def registry(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Callable[[], RegistryUnitOfWork]]:
    store = RegistryStore()
    yield from _backend(
        request,
        tmp_path_factory.mktemp("registry"),
        "registry",
        lambda: FakeRegistryUnitOfWork(store),
        build_registry,
        settings.registry,
    )

"""What a service process needs at run time, built once per process by its bootstrap."""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property, partial
from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar

from kombu import Connection, Queue
from sqlalchemy import Engine, MetaData, text
from sqlalchemy.orm import Session, sessionmaker

from shared.auth.store import TokenStore
from shared.bus import migration
from shared.bus.connection import broker_urls, connect, topology_for
from shared.bus.relay import OutboxRelay
from shared.bus.topology import Topology
from shared.bus.worker import BusWorker, Handler
from shared.config import CommonSettings
from shared.db import migrate
from shared.db.engine import make_engine, make_session_factory
from shared.db.tables import PlatformTables
from shared.db.unit_of_work import SqlUnitOfWork
from shared.logs import get_logger

log = get_logger(__name__)
# The service's own unit of work, so what its bootstrap and commands take from the runtime
# is typed as theirs (covariant: a Runtime[MessagingUnitOfWork] is a Runtime[SqlUnitOfWork]).
U = TypeVar("U", bound=SqlUnitOfWork, covariant=True)
UoW = TypeVar("UoW", bound=SqlUnitOfWork)


@dataclass
class Runtime(Generic[U]):
    settings: CommonSettings
    engine: Engine
    metadata: MetaData
    tables: PlatformTables
    uow_factory: Callable[[], U]
    handlers: Mapping[str, Handler]
    migrations: Path
    # Queues the service declares outside the topology (messaging's held webhooks), which
    # `migrate` brings to their current arguments too.
    own_queues: tuple[Queue, ...] = ()

    @cached_property
    def topology(self) -> Topology:
        return topology_for(self.settings.bus)

    def connect(self) -> Connection:
        return connect(self.settings.bus)

    def token_store(self) -> TokenStore:
        return TokenStore(self.engine, self.tables)

    def migrate(self) -> None:
        migrate.upgrade(self.migrations, self.settings.database_url)

    def migrate_bus(self) -> list[str]:
        """Bring queues declared by an older release to today's arguments (see migration.py)."""
        if self.settings.bus.is_filesystem:
            return []
        with self.connect() as conn:
            return migration.migrate(conn, self.topology, self.own_queues)

    def check_database(self) -> None:
        with self.engine.connect() as conn:
            conn.execute(text("SELECT 1"))

    def check_bus(self) -> None:
        """Ready while any node in BROKER_URL answers (each is tried once)."""
        with self.connect() as conn:
            nodes = len(broker_urls(self.settings.bus)) or 1
            conn.ensure_connection(max_retries=nodes, timeout=2 * nodes)

    def worker(self, connection: Connection | None = None) -> BusWorker:
        return BusWorker(
            self.settings.service,
            self.handlers,
            self.uow_factory,
            connection or self.connect(),
            self.topology,
            prefetch=self.settings.bus.prefetch,
        )

    def relay(self, connection: Connection | None = None) -> OutboxRelay:
        return OutboxRelay(
            self.engine,
            self.tables,
            connection or connect(self.settings.bus, confirm_each=False),
            self.topology,
            batch_size=self.settings.bus.outbox_batch_size,
            poll_interval=self.settings.bus.outbox_poll_interval,
        )


class ServiceOrm(Protocol):
    """A service's `adapters/orm.py` module, as its runtime uses it."""

    @property
    def metadata(self) -> MetaData: ...
    @property
    def platform(self) -> PlatformTables: ...
    @property
    def start_mappers(self) -> Callable[[], None]: ...  # maps the domain classes, once


def service_runtime(
    settings: CommonSettings,
    orm: ServiceOrm,
    *,
    unit_of_work: Callable[[sessionmaker[Session]], UoW],
    handlers: Mapping[str, Handler],
    migrations: Path,
    own_queues: tuple[Queue, ...] = (),
) -> Runtime[UoW]:
    """The mapping, engine and unit-of-work factory every service builds the same way; a
    service's bootstrap passes its own parts (its unit of work takes the session factory
    first)."""
    orm.start_mappers()
    engine = make_engine(settings.database_url)
    return Runtime(
        settings=settings,
        engine=engine,
        metadata=orm.metadata,
        tables=orm.platform,
        uow_factory=partial(unit_of_work, make_session_factory(engine)),
        handlers=handlers,
        migrations=migrations,
        own_queues=own_queues,
    )


def stop_on_signals(on_stop: Callable[[], None] | None = None) -> threading.Event:
    """An event set by SIGINT/SIGTERM, so loops finish their batch and exit cleanly."""
    stop = threading.Event()

    def _handler(signum: int, _: Any) -> None:
        log.info("stopping", signal=signal.Signals(signum).name)
        stop.set()
        if on_stop is not None:
            on_stop()

    signal.signal(signal.SIGINT, _handler)
    signal.signal(signal.SIGTERM, _handler)
    return stop


def run_worker(runtime: Runtime[SqlUnitOfWork]) -> None:
    worker = runtime.worker()

    def _stop() -> None:
        worker.should_stop = True

    stop_on_signals(_stop)
    log.info("worker_started", queue=runtime.topology.queue_name(runtime.settings.service))
    worker.run()


def run_relay(runtime: Runtime[SqlUnitOfWork]) -> None:
    relay = runtime.relay()
    stop = stop_on_signals()
    log.info("relay_started")
    relay.run_forever(stop)

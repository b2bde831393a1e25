"""A tiny service on the real bus: its own database, one consumer, a scriptable handler.

The service is wired by `shared.runtime.Runtime`, as the real services are, so the
relay and the worker under test are built the way production builds them.
"""

from __future__ import annotations

import os
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from kombu import Connection
from sqlalchemy import Column, Engine, Integer, String, Table, Uuid, func, insert, select

from shared.bus.relay import OutboxRelay
from shared.bus.topology import Topology
from shared.bus.worker import BusWorker
from shared.config import BusSettings
from shared.db.engine import make_engine, make_session_factory
from shared.db.tables import new_metadata
from shared.db.unit_of_work import SqlUnitOfWork
from shared.events import Event
from shared.runtime import Runtime
from tests.support import rabbitmq_cluster as rabbitmq_cluster_module
from tests.support import settings
from tests.support.rabbitmq_cluster import Cluster
from tests.support.waiting import eventually

# Any event with a contract will do; this one carries a single participant id.
EVENT = "registry.participant.erased"
CONSUMER = "tiny"

metadata, platform = new_metadata()
effects = Table(
    "effects",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("event_id", Uuid, nullable=False),
    Column("value", String(80), nullable=False),
)


class HandlerFailed(Exception):
    """The tiny service's handler failing on purpose."""


class WorkerDied(Exception):
    """Not an AssertionError, so that waiting stops at once."""


class TinyService:
    """Commits events through the outbox and handles them into the `effects` table.

    The handler writes its effect and only then fails when told to, so a failure also
    shows that a rolled-back effect leaves no trace.
    """

    def __init__(self, bus: BusSettings, database_url: str) -> None:
        self.bus = bus
        self.engine: Engine = make_engine(database_url)
        metadata.create_all(self.engine)
        sessions = make_session_factory(self.engine)
        self.topology = Topology(
            bus.retry_delays,
            rabbitmq=not bus.is_filesystem,
            namespace=bus.namespace,
            subscriptions={CONSUMER: (EVENT,)},
        )
        self.runtime = Runtime(
            settings=settings.common(CONSUMER, database_url, bus),
            engine=self.engine,
            metadata=metadata,
            tables=platform,
            uow_factory=lambda: SqlUnitOfWork(sessions, platform, CONSUMER),
            handlers={EVENT: self.handle},
            migrations=Path("unused"),
        )
        self.runtime.topology = self.topology  # cached_property: ours has its own consumer
        self.failures: Counter[uuid.UUID] = Counter()  # fail the next n calls for this id
        self.always_fail = False
        self.failing_calls: Callable[[uuid.UUID], int] = lambda _: 0  # first n calls fail
        self.handler_delay = 0.0
        self.calls: Counter[uuid.UUID] = Counter()
        self._lock = threading.Lock()
        self._workers: list[tuple[BusWorker, threading.Thread]] = []
        self._worker_errors: list[BaseException] = []
        self._relays: list[OutboxRelay] = []

    # the service's side: a use case that commits an event, and the handler
    def emit(self, count: int = 1) -> list[uuid.UUID]:
        """Commit `count` events, one transaction each, as a service's use cases do."""
        ids = []
        for _ in range(count):
            with self.runtime.uow_factory() as uow:
                ids.append(uow.publish(EVENT, {"participant_id": uuid.uuid4()}).id)
                uow.commit()
        return ids

    def handle(self, event: Event, uow: SqlUnitOfWork) -> None:
        with self._lock:
            self.calls[event.id] += 1
            fail = self.always_fail or self.failures[event.id] > 0
            fail = fail or self.calls[event.id] <= self.failing_calls(event.id)
            if self.failures[event.id] > 0:
                self.failures[event.id] -= 1
        if self.handler_delay:
            time.sleep(self.handler_delay)
        with uow:
            uow.session.execute(
                insert(effects).values(event_id=event.id, value=str(event.data["participant_id"]))
            )
            if fail:
                raise HandlerFailed(f"failing on purpose for {event.id}")
            uow.commit()

    # the bus machinery, built as the runtime builds it
    def connect(self) -> Connection:
        return self.runtime.connect()

    def relay(self, batch_size: int | None = None) -> OutboxRelay:
        relay = self.runtime.relay()
        if batch_size is not None:
            relay.batch_size = batch_size
        self._relays.append(relay)
        return relay

    def start_worker(self, **options: Any) -> BusWorker:
        """Run a worker in a thread; options (batch_size, ...) go to BusWorker."""
        base = self.runtime.worker()
        worker = base
        if options:
            worker = BusWorker(
                CONSUMER,
                base.handlers,
                base.uow_factory,
                base.connection,
                self.topology,
                **{"prefetch": base.prefetch, **options},
            )

        def run() -> None:
            try:
                worker.run()
            except BaseException as exc:  # surfaced by wait_for, not lost in the thread
                self._worker_errors.append(exc)
                raise

        thread = threading.Thread(target=run, name=f"worker-{len(self._workers)}", daemon=True)
        thread.start()
        self._workers.append((worker, thread))
        return worker

    def stop_workers(self) -> None:
        for worker, _ in self._workers:
            worker.should_stop = True
        for _, thread in self._workers:
            thread.join(timeout=30)
        self._workers.clear()

    def wait_for(self, probe: Callable[[], bool], what: str, timeout: float = 30) -> None:
        """`eventually(probe)`, but failing at once if a worker thread died."""

        def holds() -> bool:
            if self._worker_errors:
                raise WorkerDied(f"a worker died: {self._worker_errors[0]!r}")
            return probe()

        eventually(holds, timeout, what, every=0.05)

    # state to assert on
    def effect_counts(self) -> Counter[uuid.UUID]:
        with self.engine.connect() as conn:
            query = select(effects.c.event_id, func.count()).group_by(effects.c.event_id)
            return Counter({row[0]: row[1] for row in conn.execute(query)})

    def inbox(self) -> list[tuple[str, uuid.UUID]]:
        inbox = platform.inbox
        with self.engine.connect() as conn:
            rows = conn.execute(select(inbox.c.consumer, inbox.c.event_id)).all()
        return [(row.consumer, row.event_id) for row in rows]

    def unpublished(self) -> int:
        outbox = platform.outbox
        query = select(func.count()).where(outbox.c.published_at.is_(None))
        with self.engine.connect() as conn:
            return int(conn.execute(query).scalar_one())

    def queue_name(self, which: str = "main") -> str:
        queues = self.topology.consumers[CONSUMER]
        return {"main": queues.main.name, "dead": queues.dead.name}[which]

    def queue_size(self, which: str = "main") -> int:
        with self.connect() as conn:
            channel = conn.channel()
            _, count, _ = channel.queue_declare(queue=self.queue_name(which), passive=True)
            channel.close()
        return int(count)

    def whereabouts(self) -> dict[str, int]:
        """Where events wait: unpublished outbox rows and each queue's message count."""
        queues = self.topology.consumers[CONSUMER]
        counts = {"outbox unpublished": self.unpublished()}
        with self.connect() as conn:
            channel = conn.channel()
            for queue in (queues.main, *queues.retries, queues.dead):
                counts[queue.name] = int(channel.queue_declare(queue=queue.name, passive=True)[1])
            channel.close()
        return counts

    def take_all(self, which: str = "main") -> list[Any]:
        """Remove and return every message in the queue, in the order it gives them."""
        taken = []
        with self.connect() as conn:
            queue = self.topology.consumers[CONSUMER].main
            if which == "dead":
                queue = self.topology.consumers[CONSUMER].dead
            bound = queue(conn.channel())
            while (message := bound.get(no_ack=True, accept=["application/json"])) is not None:
                taken.append(message)
        return taken

    def publish_raw(self, body: bytes) -> None:
        """Put bytes on the exchange as a buggy or foreign producer would."""
        with self.connect() as conn:
            producer = conn.Producer(exchange=self.topology.exchange)
            producer.publish(
                body,
                routing_key=EVENT,
                content_type="application/json",
                content_encoding="binary",
                delivery_mode=2,
            )

    def declare(self) -> None:
        with self.connect() as conn:
            self.topology.declare(conn.channel())

    def close(self) -> None:
        self.stop_workers()
        for relay in self._relays:
            relay.close()
        if self.topology.rabbitmq:
            with self.connect() as conn:
                channel = conn.channel()
                for queue in self.topology.all_queues():
                    queue(channel).delete()
                self.topology.exchange(channel).delete()
        self.engine.dispose()


@pytest.fixture(params=["rabbitmq", "filesystem"])
def transport(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def bus_config(transport: str, bus_dir: Path, request: pytest.FixtureRequest) -> BusSettings:
    """A unique namespace per test; retry delays of 0.1, 0.2 and 0.4 s."""
    if transport == "rabbitmq":
        return settings.bus_settings(request.getfixturevalue("rabbitmq_url"), bus_dir)
    return settings.bus_settings("filesystem://", bus_dir)


@pytest.fixture
def service(bus_config: BusSettings, fresh_database: str) -> Iterator[TinyService]:
    tiny = TinyService(bus_config, fresh_database)
    tiny.declare()
    try:
        yield tiny
    finally:
        tiny.close()


@pytest.fixture(scope="session")
def rabbitmq_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    """A private three-node RabbitMQ cluster (never the shared broker on 5672), stopped
    and its data deleted at the end of the session."""
    reason = rabbitmq_cluster_module.available()
    if reason is not None:
        if os.environ.get("CI"):
            pytest.fail(f"{reason}; under CI the cluster tests must run", pytrace=False)
        pytest.skip(reason)
    cluster = rabbitmq_cluster_module.start_cluster(tmp_path_factory.mktemp("rabbitmq-cluster"))
    try:
        yield cluster
    finally:
        rabbitmq_cluster_module.remove(cluster)

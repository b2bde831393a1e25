"""The outbox relay: publishes committed events in batches, then marks them sent.

The batch is confirmed by the broker as a whole (see publisher.py). A crash between
publish and mark-sent publishes the batch again on restart; consumers' inboxes absorb
the duplicates. Several relays may run: on PostgreSQL each claims its
rows with SKIP LOCKED.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from kombu import Connection
from sqlalchemy import Engine, delete, select, update

from shared.bus.connection import KeepAlive
from shared.bus.publisher import BatchPublisher, PublishNotConfirmed
from shared.bus.topology import Topology
from shared.db.engine import is_postgres
from shared.db.tables import PlatformTables
from shared.logs import get_logger

log = get_logger(__name__)


class OutboxRelay:
    def __init__(
        self,
        engine: Engine,
        tables: PlatformTables,
        connection: Connection,
        topology: Topology,
        *,
        batch_size: int = 500,
        poll_interval: float = 0.05,
        keep_published: timedelta = timedelta(days=1),
    ) -> None:
        self.engine = engine
        self.outbox = tables.outbox
        self.connection = connection
        self.topology = topology
        self.batch_size = batch_size
        self.poll_interval = poll_interval
        self.keep_published = keep_published
        self._publisher: BatchPublisher | None = None
        self._keep_alive = KeepAlive(connection)
        self.resets = 0  # connections replaced after a failure

    def _get_publisher(self) -> BatchPublisher:
        if self._publisher is None:
            self._publisher = BatchPublisher(self.connection, self.topology)
            self._keep_alive = KeepAlive(self.connection)
        return self._publisher

    def run_once(self) -> int:
        """Publish one batch; returns how many events went out."""
        query = (
            select(self.outbox.c.id, self.outbox.c.type, self.outbox.c.payload)
            .where(self.outbox.c.published_at.is_(None))
            .order_by(self.outbox.c.id)
            .limit(self.batch_size)
        )
        if is_postgres(self.engine):
            query = query.with_for_update(skip_locked=True)
        with self.engine.begin() as conn:
            rows = conn.execute(query).all()
            if not rows:
                return 0
            self._publish([(row.type, row.payload) for row in rows])
            self._mark_published(conn, [row.id for row in rows])
        return len(rows)

    def _publish(self, events: list[tuple[str, str]]) -> None:
        """Publish, and on a connection found dead (a node down, a socket gone while
        idle) reconnect, to the next node in BROKER_URL if need be, and publish again
        once, holding the same rows."""
        try:
            self._get_publisher().publish(events)
        except self._connection_errors() as exc:
            log.warning("outbox_publish_retrying", error=str(exc) or type(exc).__name__)
            self._reset()
            self._get_publisher().publish(events)

    def _connection_errors(self) -> tuple[type[BaseException], ...]:
        conn = self.connection
        return (
            *conn.connection_errors,
            *conn.recoverable_connection_errors,
            OSError,
            PublishNotConfirmed,
        )

    def keep_alive(self) -> None:
        """Between batches: heartbeats both ways, so an idle connection stays open and a
        dead one is replaced before it is needed."""
        if self._publisher is None:
            return
        try:
            self._keep_alive.tick()
        except Exception as exc:
            log.warning("bus_connection_lost", error=str(exc) or type(exc).__name__)
            self._reset()

    def _mark_published(self, conn: Any, ids: list[int]) -> None:
        conn.execute(
            update(self.outbox)
            .where(self.outbox.c.id.in_(ids))
            .values(published_at=datetime.now(UTC))
        )

    def prune(self) -> int:
        # Wall clock, as _mark_published stamps: the relay's own bookkeeping, compared only
        # with itself, never with the business time a test moves through shared.clock.
        cutoff = datetime.now(UTC) - self.keep_published
        with self.engine.begin() as conn:
            result = conn.execute(
                delete(self.outbox).where(
                    self.outbox.c.published_at.is_not(None), self.outbox.c.published_at < cutoff
                )
            )
        return int(result.rowcount or 0)

    def run_forever(self, stop: threading.Event) -> None:
        last_prune = 0.0
        while not stop.is_set():
            try:
                sent = self.run_once()
                if time.monotonic() - last_prune > 600:
                    self.prune()
                    last_prune = time.monotonic()
            except Exception as exc:  # the broker or database is away: keep the rows, retry
                # a line, not a traceback: this repeats every second of an outage
                log.warning("outbox_relay_failed", error=f"{type(exc).__name__}: {exc}")
                self._reset()
                stop.wait(1.0)
                continue
            if sent == 0:
                self.keep_alive()
                stop.wait(self.poll_interval)
        self.close()

    def close(self) -> None:
        self._publisher = None
        try:
            self.connection.close()
        except Exception:  # already broken; closing is best effort
            log.warning("bus_close_failed")

    def _reset(self) -> None:
        self.resets += 1
        self._publisher = None
        try:
            self.connection.collect()  # a dead socket gets no goodbye (close could hang)
        except Exception:
            log.warning("bus_close_failed")
        self.connection = self.connection.clone()

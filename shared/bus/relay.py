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

from shared.bus.publisher import BatchPublisher
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

    def _get_publisher(self) -> BatchPublisher:
        if self._publisher is None:
            self._publisher = BatchPublisher(self.connection, self.topology)
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
            self._get_publisher().publish([(row.type, row.payload) for row in rows])
            self._mark_published(conn, [row.id for row in rows])
        return len(rows)

    def _mark_published(self, conn: Any, ids: list[int]) -> None:
        conn.execute(
            update(self.outbox)
            .where(self.outbox.c.id.in_(ids))
            .values(published_at=datetime.now(UTC))
        )

    def prune(self) -> int:
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
            except Exception:  # the broker or database is away: keep the rows, try again
                log.exception("outbox_relay_failed")
                self._reset()
                stop.wait(1.0)
                continue
            if sent == 0:
                stop.wait(self.poll_interval)
        self.close()

    def close(self) -> None:
        self._publisher = None
        try:
            self.connection.close()
        except Exception:  # already broken; closing is best effort
            log.warning("bus_close_failed")

    def _reset(self) -> None:
        self.close()
        self.connection = self.connection.clone()

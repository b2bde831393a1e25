"""The messages-per-second limit shared by every sending process: one row per limit.

Each take is a short transaction that locks the row (SELECT ... FOR UPDATE on PostgreSQL;
SQLite's BEGIN IMMEDIATE locks the file), refills by the time since the last take, and
hands out whole tokens. Time is the database's clock, so senders on several machines agree.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from services.messaging.adapters.db_clock import database_now
from services.messaging.adapters.orm import rate_limits
from services.messaging.domain import rate


@dataclass
class Grant:
    granted: int
    retry_after: float  # seconds until one more token, when fewer were granted than asked


class DatabaseRateLimiter:
    def __init__(self, engine: Engine, name: str, per_second: float, burst: float | None = None):
        self.engine = engine
        self.name = name
        self.rate = per_second
        # A small burst keeps the rate even: what idle senders save up is spent in 0.1 s.
        self.burst = burst if burst is not None else max(1.0, per_second / 10)
        dialect = engine.dialect.name
        self._insert = pg_insert if dialect == "postgresql" else sqlite_insert
        self._lock = dialect == "postgresql"

    def take(self, wanted: int) -> Grant:
        table = rate_limits
        with self.engine.begin() as conn:
            conn.execute(
                self._insert(table)
                .values(name=self.name, tokens=self.burst, updated=0.0)
                .on_conflict_do_nothing()
            )
            query = select(table.c.tokens, table.c.updated).where(table.c.name == self.name)
            if self._lock:
                query = query.with_for_update()
            row = conn.execute(query).one()
            # The clock is read only once the row is ours: a time read before waiting for
            # the lock would be older than the holder's, and move the bucket back in time.
            now = max(database_now(conn), row.updated)
            tokens = rate.refill(row.tokens, row.updated, now, self.rate, self.burst)
            granted, left = rate.take(tokens, wanted)
            conn.execute(
                update(table).where(table.c.name == self.name).values(tokens=left, updated=now)
            )
        retry = rate.wait_for_one(left, self.rate) if granted < wanted else 0.0
        return Grant(granted, retry)

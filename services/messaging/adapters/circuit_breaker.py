"""The provider's circuit breaker, one row per provider, shared by every sending process.

Like the rate limiter: short transactions that lock the row and read the database's
clock. While the breaker is closed and calls succeed, nothing is written."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from services.messaging.adapters.db_clock import database_now
from services.messaging.adapters.orm import circuit_breakers
from services.messaging.domain import breaker
from services.messaging.domain.breaker import BreakerPolicy, BreakerState, Decision
from shared.logs import get_logger

log = get_logger(__name__)


@dataclass(frozen=True)
class Admission:
    decision: Decision
    retry_after: float  # when "wait": seconds until a probe may go


class DatabaseCircuitBreaker:
    def __init__(self, engine: Engine, name: str, policy: BreakerPolicy) -> None:
        self.engine = engine
        self.name = name
        self.policy = policy
        self.threshold = policy.threshold
        dialect = engine.dialect.name
        self._insert = pg_insert if dialect == "postgresql" else sqlite_insert
        self._lock = dialect == "postgresql"
        self._seen = BreakerState()  # as last read: closed and clean needs no write

    def _read(self, conn: Connection, lock: bool) -> BreakerState:
        table = circuit_breakers
        query = select(table).where(table.c.name == self.name)
        if lock and self._lock:
            query = query.with_for_update()
        row = conn.execute(query).one_or_none()
        if row is None:
            return BreakerState()
        return BreakerState(row.state, row.failures, row.cooldown, row.until)

    def _write(self, conn: Connection, state: BreakerState) -> None:
        table = circuit_breakers
        values = {
            "state": state.state,
            "failures": state.failures,
            "cooldown": state.cooldown,
            "until": state.until,
        }
        conn.execute(self._insert(table).values(name=self.name, **values).on_conflict_do_nothing())
        conn.execute(update(table).where(table.c.name == self.name).values(**values))

    def _locked(self, conn: Connection) -> BreakerState:
        # Make sure the row exists, so that FOR UPDATE has something to lock.
        conn.execute(
            self._insert(circuit_breakers)
            .values(name=self.name, state="closed", failures=0, cooldown=0.0, until=0.0)
            .on_conflict_do_nothing()
        )
        return self._read(conn, lock=True)

    def admit(self) -> Admission:
        """Whether to call now: freely ("call"), as the one probe ("probe"), or not ("wait")."""
        with self.engine.connect() as conn:
            state = self._read(conn, lock=False)
            now = database_now(conn)
        self._seen = state
        decision, _ = breaker.admit(state, now, self.policy)
        if decision != "probe":
            return Admission(decision, breaker.wait_left(state, now))
        with self.engine.begin() as conn:  # only one sender wins the probe
            state = self._locked(conn)
            now = database_now(conn)
            decision, after = breaker.admit(state, now, self.policy)
            if after != state:
                self._write(conn, after)
        self._seen = after
        if decision == "probe":
            log.info("provider_breaker_probe", breaker=self.name)
        return Admission(decision, breaker.wait_left(state, now))

    def record(self, outages: Sequence[bool]) -> None:
        """Calls' results in the order they ended: True where the provider looked down."""
        if not outages or (not any(outages) and self._seen == BreakerState()):
            return
        with self.engine.begin() as conn:
            state = before = self._locked(conn)
            now = database_now(conn)
            for outage in outages:
                state = breaker.record(state, outage, now, self.policy)
            if state != before:
                self._write(conn, state)
        self._seen = state
        if state.state != before.state:
            log.warning(
                "provider_breaker_" + ("opened" if state.state == "open" else state.state),
                breaker=self.name,
                failures=state.failures,
                cooldown=state.cooldown,
            )

    def open_as_seen(self) -> bool:
        """Open (not probing) when this sender last looked (or recorded)."""
        return self._seen.state == "open"

    def closed_as_seen(self) -> bool:
        """Closed when this sender last looked (or recorded)."""
        return self._seen.state == "closed"

    def state(self) -> BreakerState:
        with self.engine.connect() as conn:
            return self._read(conn, lock=False)

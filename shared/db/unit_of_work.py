"""The unit of work: one transaction for a use case's state and the events it emits.

Events go into the outbox table inside the same transaction (transactional outbox);
the relay publishes them after commit. A bus worker claims the event it is handling
with an inbox row, written in the same transaction as the handler's effects.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, Self

from sqlalchemy import insert
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, sessionmaker

from shared.db.bulk import insert_rows
from shared.db.tables import PlatformTables
from shared.events import Event, encode, new_event


class SqlUnitOfWork:
    """Subclass per service to add repositories in `_start`."""

    def __init__(
        self, session_factory: sessionmaker[Session], tables: PlatformTables, producer: str
    ) -> None:
        self._session_factory = session_factory
        self.tables = tables
        self.producer = producer
        self.session: Session
        self._depth = 0
        self._deferring = False

    def __enter__(self) -> Self:
        if self._depth == 0:
            self.session = self._session_factory()
            self._start(self.session)
        self._depth += 1
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._depth -= 1
        if self._depth == 0:
            # Closing rolls back whatever was not committed, and leaves loaded objects
            # readable (detached, not expired) for the caller to serialise.
            self.session.close()

    def _start(self, session: Session) -> None:
        """Build repositories on the new session."""

    def read_only(self) -> None:
        """Run this unit of work's reads without a transaction (no BEGIN, no ROLLBACK: a
        round trip each fewer). Call first thing in a use case that only reads and can take
        its statements from different snapshots; it can never commit anything."""
        self.session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})

    @property
    def row_locks(self) -> bool:
        """SELECT ... FOR UPDATE (SKIP LOCKED) works here; SQLite locks the whole file."""
        return self.session.get_bind().dialect.name == "postgresql"

    def publish(self, type_: str, data: dict[str, Any]) -> Event:
        """Queue an event to go out if, and only if, this transaction commits."""
        event = new_event(type_, data, self.producer)
        self.session.execute(
            insert(self.tables.outbox).values(
                event_id=event.id,
                type=event.type,
                payload=encode(event),
                created_at=event.occurred_at,
            )
        )
        return event

    def publish_many(self, type_: str, items: Sequence[dict[str, Any]]) -> list[Event]:
        """Several events of one type in one statement (a sender records hundreds at once)."""
        events = [new_event(type_, data, self.producer) for data in items]
        if events:
            insert_rows(
                self.session,
                self.tables.outbox,
                [
                    {
                        "event_id": e.id,
                        "type": e.type,
                        "payload": encode(e),
                        "created_at": e.occurred_at,
                    }
                    for e in events
                ],
            )
        return events

    def claim(self, consumer: str, event: Event) -> bool:
        """Write the event's inbox row first; False if this consumer handled it already.

        The row commits with the handler's effects or not at all. A second worker
        delivered the same event waits on the row's key, then finds it taken; no error
        is raised, so a batch sharing the transaction goes on.
        """
        dialect = self.session.get_bind().dialect.name
        insert_ = postgresql_insert if dialect == "postgresql" else sqlite_insert
        inbox = self.tables.inbox
        statement = (
            insert_(inbox)
            .values(
                consumer=consumer,
                event_id=event.id,
                event_type=event.type,
                handled_at=datetime.now(UTC),  # for operators: when it really ran
            )
            .on_conflict_do_nothing()
            .returning(inbox.c.event_id)
        )
        return self.session.execute(statement).first() is not None

    def one_statement(self) -> None:
        """For a use case that is a single statement: it commits itself, so the database
        sees one round trip instead of BEGIN, the statement and COMMIT (the status webhook's
        writer waits on each round trip, behind the request threads). Call it first."""
        if not self._deferring:
            self.session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})

    def commit(self) -> None:
        if self._deferring:
            self.session.flush()  # errors show now; the commit comes at the block's end
        else:
            self.session.commit()

    @contextmanager
    def deferring_commits(self) -> Iterator[None]:
        """Let several use cases share one transaction: their commits wait for the end."""
        self._deferring = True
        try:
            yield
        finally:
            self._deferring = False
        self.session.commit()

    def rollback(self) -> None:
        self.session.rollback()

    def forget_loaded(self) -> None:
        self.session.expunge_all()

"""Console sessions kept on the server, and sign-in attempts for the rate limit.

The browser holds only a random session id; the table holds its SHA-256 (so a copy of the
table opens no session), the session's data (user, API token, CSRF secret, flashed
messages) and its times. Ending a session deletes its row, so a copied cookie dies with it.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import (
    Column,
    DateTime,
    Engine,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.exc import DatabaseError
from sqlalchemy.pool import StaticPool

from shared.clock import now as _now
from shared.db.engine import make_engine

metadata = MetaData()

sessions = Table(
    "console_sessions",
    metadata,
    Column("id_hash", String(64), primary_key=True),
    Column("data", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("last_seen_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
)

sign_in_attempts = Table(
    "console_sign_in_attempts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("address", String(64), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Index("ix_console_sign_in_attempts_address_at", "address", "at"),
)

TOUCH_EVERY = timedelta(seconds=60)  # write last_seen_at at most once a minute per session


def _aware(value: datetime) -> datetime:
    # SQLite hands back naive datetimes; every time stored here is UTC.
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def hash_id(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


class SessionStore:
    def __init__(self, url: str, lifetime: timedelta, idle: timedelta) -> None:
        if url in ("sqlite://", "sqlite:///:memory:"):
            # One in-memory database shared by the threads (tests, a throwaway run).
            self.engine: Engine = create_engine(
                url, poolclass=StaticPool, connect_args={"check_same_thread": False}
            )
        else:
            self.engine = make_engine(url)
        self.lifetime = lifetime
        self.idle = idle
        self._create_tables()

    def _create_tables(self) -> None:
        # Two tables of short-lived rows, no history to migrate: made at start if missing.
        # Several processes may start at once; whoever loses the race finds them made.
        try:
            metadata.create_all(self.engine, checkfirst=True)
        except DatabaseError:
            metadata.create_all(self.engine, checkfirst=True)

    def load(self, session_id: str, now: datetime | None = None) -> dict[str, Any] | None:
        """The session's data, or None when unknown, expired or idle too long."""
        now = now or _now()
        key = hash_id(session_id)
        with self.engine.connect() as conn:
            row = conn.execute(select(sessions).where(sessions.c.id_hash == key)).first()
        if row is None:
            return None
        if _aware(row.expires_at) <= now or _aware(row.last_seen_at) + self.idle <= now:
            self.delete(session_id)
            return None
        if _aware(row.last_seen_at) + TOUCH_EVERY <= now:
            with self.engine.begin() as conn:
                conn.execute(
                    update(sessions).where(sessions.c.id_hash == key).values(last_seen_at=now)
                )
        data: dict[str, Any] = json.loads(row.data)
        return data

    def expires_at(self, session_id: str) -> datetime | None:
        with self.engine.connect() as conn:
            value = conn.execute(
                select(sessions.c.expires_at).where(sessions.c.id_hash == hash_id(session_id))
            ).scalar()
        return _aware(value) if value else None

    def save(self, session_id: str, data: dict[str, Any], now: datetime | None = None) -> None:
        now = now or _now()
        key = hash_id(session_id)
        text = json.dumps(data)
        with self.engine.begin() as conn:
            changed = conn.execute(
                update(sessions)
                .where(sessions.c.id_hash == key)
                .values(data=text, last_seen_at=now)
            ).rowcount
            if not changed:
                conn.execute(
                    insert(sessions).values(
                        id_hash=key,
                        data=text,
                        created_at=now,
                        last_seen_at=now,
                        expires_at=now + self.lifetime,
                    )
                )

    def delete(self, session_id: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(sessions).where(sessions.c.id_hash == hash_id(session_id)))

    def purge(self, now: datetime | None = None) -> None:
        """Forget sessions that can no longer be used and attempts older than any window."""
        now = now or _now()
        with self.engine.begin() as conn:
            conn.execute(
                delete(sessions).where(
                    (sessions.c.expires_at <= now) | (sessions.c.last_seen_at <= now - self.idle)
                )
            )
            conn.execute(delete(sign_in_attempts).where(sign_in_attempts.c.at <= now - _HOUR))

    def count_sign_in(self, address: str, window: timedelta, now: datetime | None = None) -> int:
        """Record one sign-in attempt from this address; how many it made in the window."""
        now = now or _now()
        with self.engine.begin() as conn:
            conn.execute(insert(sign_in_attempts).values(address=address[:64], at=now))
            count = conn.execute(
                select(func.count())
                .select_from(sign_in_attempts)
                .where(sign_in_attempts.c.address == address[:64])
                .where(sign_in_attempts.c.at > now - window)
            ).scalar_one()
        return int(count)


_HOUR = timedelta(hours=1)

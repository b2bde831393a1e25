"""The database's clock, so that processes on several machines agree on the time."""

from __future__ import annotations

from sqlalchemy import Connection, text

_CLOCK = {
    "postgresql": "SELECT extract(epoch from clock_timestamp())::float8",
    "sqlite": "SELECT (julianday('now') - 2440587.5) * 86400.0",
}


def database_now(conn: Connection) -> float:
    """Seconds since the epoch, by the database's clock."""
    return float(conn.execute(text(_CLOCK[conn.dialect.name])).scalar_one())

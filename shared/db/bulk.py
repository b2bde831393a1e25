"""Many rows in one statement, whatever their number.

psycopg runs an executemany as one statement per row in a pipeline, which costs Python
time for every row; on the hot paths (status callbacks, the sender's outcomes, the
outbox) that time is taken from the request threads sharing the GIL. On PostgreSQL the
rows instead travel as one JSON document, written by the json module in C and unpacked
by `json_to_recordset` into the table's column types. (Arrays per column were tried:
psycopg escapes each element in Python, which cost as much as the executemany.)
SQLite's executemany is a loop in C, so it stays.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from types import SimpleNamespace
from typing import Any

from sqlalchemy import JSON, Table, Text, bindparam, cast, column, func, insert, select, update
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import Insert

Row = Mapping[str, Any]
ROWS = "incoming_rows"  # the bound parameter holding the JSON document
# Given the incoming row's columns by name (attributes), the values to SET.
Assignments = Callable[[Any], Mapping[str, Any]]


def insert_rows(session: Session, table: Table, rows: Sequence[Row]) -> None:
    """INSERT every row (each with the same keys) in one statement."""
    if not rows:
        return
    names = tuple(rows[0])
    if _on_postgresql(session):
        session.execute(_insert_from_document(table, names), {ROWS: _document(rows)})
    else:
        session.execute(insert(table), list(rows))


def update_rows(
    session: Session, table: Table, rows: Sequence[Row], assign: Assignments, key: str = "id"
) -> None:
    """UPDATE the row of `table` whose `key` matches each incoming row, setting `assign`."""
    if not rows:
        return
    names = tuple(rows[0])
    if _on_postgresql(session):
        incoming = _incoming(table, names)
        session.execute(
            update(table).where(table.c[key] == incoming.c[key]).values(assign(incoming.c)),
            {ROWS: _document(rows)},
            execution_options={"synchronize_session": False},
        )
        return
    params = SimpleNamespace(
        **{name: bindparam(f"b_{name}", type_=table.c[name].type) for name in names}
    )
    session.execute(
        update(table).where(table.c[key] == getattr(params, key)).values(assign(params)),
        [{f"b_{name}": row[name] for name in names} for row in rows],
        execution_options={"synchronize_session": False},
    )


def _on_postgresql(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


@lru_cache(maxsize=64)
def _insert_from_document(table: Table, names: tuple[str, ...]) -> Insert:
    # Built once: the status webhook inserts a group many times a second.
    return insert(table).from_select(names, select(*_incoming(table, names).c))


def _incoming(table: Table, names: tuple[str, ...]) -> Any:
    """`json_to_recordset(:rows) AS incoming(a type, ...)`, typed as `table`'s columns."""
    columns = [column(name, table.c[name].type) for name in names]
    return (
        func.json_to_recordset(cast(bindparam(ROWS, type_=Text), JSON))
        .table_valued(*columns, name="incoming")
        .render_derived(with_types=True)
    )


def _document(rows: Sequence[Row]) -> str:
    return json.dumps([dict(row) for row in rows], default=str)  # uuids and times as text

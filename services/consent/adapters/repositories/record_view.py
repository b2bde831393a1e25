"""One record's view in one statement: record, bands, audit chain, page answers and
understanding answers (decision 0031, "Remembering API token checks": a read is one round
trip once the token is remembered).

A `UNION ALL` of three selects that share one column list: each part fills its own tables'
columns and leaves the others NULL (cast to their type, so each column converts alike on
PostgreSQL and SQLite). Three parts rather than one join: a join of the chain with the
answers would multiply their rows.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Row,
    Table,
    bindparam,
    cast,
    literal,
    literal_column,
    null,
    select,
    union_all,
)
from sqlalchemy.orm import Session, class_mapper

from services.consent.adapters.orm import (
    audit_entries,
    consent_records,
    consent_responses,
    participants,
    understanding_answers,
)
from services.consent.domain.audit import AuditEntry
from services.consent.domain.lifecycle import ConsentRecord
from services.consent.domain.participant import ParticipantBands
from services.consent.domain.record_view import RecordParts
from services.consent.domain.responses import ConsentResponse
from services.consent.domain.understanding import UnderstandingAnswer

_TABLES: tuple[Table, ...] = (
    consent_records, participants, audit_entries, consent_responses, understanding_answers
)  # fmt: skip
_CLASSES: dict[str, type] = {
    "consent_records": ConsentRecord,
    "participants": ParticipantBands,
    "audit_entries": AuditEntry,
    "consent_responses": ConsentResponse,
    "understanding_answers": UnderstandingAnswer,
}
_RECORD, _RESPONSE, _UNDERSTANDING = 1, 2, 3
_r = consent_records.c


def _columns(part: int, present: Sequence[Table]) -> list[ColumnElement[Any]]:
    columns: list[ColumnElement[Any]] = [literal(part).label("part")]
    for table in _TABLES:
        for column in table.c:
            label = f"{table.name}__{column.name}"
            value = column if table in present else cast(null(), column.type)
            columns.append(value.label(label))
    return columns


def _statement() -> Any:
    this = (_r.trial_id == bindparam("trial_id"), _r.study_number == bindparam("study_number"))
    record = (
        select(*_columns(_RECORD, (consent_records, participants, audit_entries)))
        .select_from(consent_records)
        .outerjoin(participants, participants.c.participant_id == _r.participant_id)
        .outerjoin(audit_entries, audit_entries.c.record_id == _r.id)
        .where(*this)
    )
    parts = [record]
    for number, table in ((_RESPONSE, consent_responses), (_UNDERSTANDING, understanding_answers)):
        parts.append(
            select(*_columns(number, (table,)))
            .select_from(table)
            .join(consent_records, table.c.record_id == _r.id)
            .where(*this)
        )
    return union_all(*parts).order_by(
        literal_column("part"),
        literal_column("audit_entries__seq"),
        literal_column("consent_responses__at"),
        literal_column("understanding_answers__at"),
    )


# Built once: constructing 150-odd labelled columns per read cost more than the query.
_STATEMENT = _statement()


# Where each table's columns sit in a row: "part" first, then the tables in order.
_POSITIONS: dict[str, list[tuple[str, int]]] = {}
for _table in _TABLES:
    _start = 1 + sum(len(t.c) for t in _TABLES[: _TABLES.index(_table)])
    _POSITIONS[_table.name] = [(c.name, _start + i) for i, c in enumerate(_table.c)]


def _made(row: Row[Any], table: Table) -> Any:
    """The table's dataclass from its columns of the row, made as the ORM makes what it
    loads (a new instance of the configured mapper, its attributes filled in directly), not
    through the mapped __init__, whose attribute events cost a third of the read in Python."""
    made: Any = class_mapper(_CLASSES[table.name]).class_manager.new_instance()
    made.__dict__.update({name: row[i] for name, i in _POSITIONS[table.name]})
    return made


def record_view(session: Session, study_number: str, trial_id: uuid.UUID) -> RecordParts | None:
    found = session.execute(_STATEMENT, {"trial_id": trial_id, "study_number": study_number})
    rows = found.all()
    head = [row for row in rows if row.part == _RECORD]
    if not head:
        return None
    first = head[0]
    return RecordParts(
        record=_made(first, consent_records),
        participant=(
            _made(first, participants) if first.participants__participant_id is not None else None
        ),
        history=[_made(row, audit_entries) for row in head if row.audit_entries__seq is not None],
        responses=[_made(row, consent_responses) for row in rows if row.part == _RESPONSE],
        understanding=[
            _made(row, understanding_answers) for row in rows if row.part == _UNDERSTANDING
        ],
    )

"""callback tasks replace the call-back flag and note on replies (decision 28)

Every reply flagged for a call back (by the patient's CALL or by staff) becomes an open
callback task, one per patient and trial, opened when the first such reply came; the
flagged replies leave the review inbox as read "callback". Then the flag columns go.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 16:20:00
"""

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

from shared import languages

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "callback_tasks",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("participant_id", sa.Uuid(), nullable=False),
        sa.Column("practice_ods", sa.String(length=6), nullable=False),
        sa.Column("trial_id", sa.Uuid(), nullable=True),
        sa.Column("language", sa.String(length=20), nullable=False),
        sa.Column("interpreter_needed", sa.Boolean(), nullable=False),
        sa.Column("sources", sa.String(length=200), nullable=False),
        sa.Column("requests", sa.Integer(), nullable=False),
        sa.Column("reply_id", sa.Uuid(), nullable=True),
        sa.Column("request_note", sa.String(length=500), nullable=True),
        sa.Column("assigned_to", sa.String(length=200), nullable=True),
        sa.Column("assigned_by", sa.String(length=200), nullable=True),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("outcome", sa.String(length=30), nullable=True),
        sa.Column("outcome_note", sa.String(length=500), nullable=True),
        sa.Column("closed_by", sa.String(length=200), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_callback_tasks_practice_opened", "callback_tasks", ["practice_ods", "opened_at"]
    )
    op.create_index(
        "uq_callback_tasks_open",
        "callback_tasks",
        ["participant_id", "trial_id"],
        unique=True,
        postgresql_where=sa.text("closed_at IS NULL"),
        sqlite_where=sa.text("closed_at IS NULL"),
    )
    move_flags_into_tasks()
    with op.batch_alter_table("inbound_messages") as batch:
        batch.drop_column("callback_by")
        batch.drop_column("callback_note")
        batch.drop_column("callback_requested")


_inbound = sa.table(
    "inbound_messages",
    sa.column("id", sa.Uuid()),
    sa.column("participant_id", sa.Uuid()),
    sa.column("trial_id", sa.Uuid()),
    sa.column("channel", sa.String()),
    sa.column("callback_requested", sa.Boolean()),
    sa.column("callback_note", sa.String()),
    sa.column("callback_by", sa.String()),
    sa.column("received_at", sa.DateTime(timezone=True)),
    sa.column("reviewed_intent", sa.String()),
    sa.column("reviewed_by", sa.String()),
    sa.column("reviewed_at", sa.DateTime(timezone=True)),
)
_contacts = sa.table(
    "contacts",
    sa.column("participant_id", sa.Uuid()),
    sa.column("practice_ods", sa.String()),
    sa.column("language", sa.String()),
    sa.column("erased", sa.Boolean()),
)
_tasks = sa.table(
    "callback_tasks",
    sa.column("id", sa.Uuid()),
    sa.column("participant_id", sa.Uuid()),
    sa.column("practice_ods", sa.String()),
    sa.column("trial_id", sa.Uuid()),
    sa.column("language", sa.String()),
    sa.column("interpreter_needed", sa.Boolean()),
    sa.column("sources", sa.String()),
    sa.column("requests", sa.Integer()),
    sa.column("reply_id", sa.Uuid()),
    sa.column("request_note", sa.String()),
    sa.column("opened_at", sa.DateTime(timezone=True)),
    sa.column("last_requested_at", sa.DateTime(timezone=True)),
)


def move_flags_into_tasks() -> None:
    bind = op.get_bind()
    i, c = _inbound.c, _contacts.c
    rows = bind.execute(
        sa.select(
            i.id,
            i.participant_id,
            i.trial_id,
            i.channel,
            i.callback_note,
            i.callback_by,
            i.received_at,
            i.reviewed_intent,
            c.practice_ods,
            c.language,
        )
        .join(_contacts, c.participant_id == i.participant_id)
        .where(i.callback_requested.is_(True), c.erased.is_(False))
        .order_by(i.received_at)
    ).all()
    tasks: dict[tuple[object, object], dict[str, Any]] = {}
    for row in rows:
        source = "review_inbox" if row.callback_by else (row.channel or "sms")
        task = tasks.get((row.participant_id, row.trial_id))
        if task is None:
            tasks[(row.participant_id, row.trial_id)] = {
                "id": uuid.uuid4(),
                "participant_id": row.participant_id,
                "practice_ods": row.practice_ods,
                "trial_id": row.trial_id,
                "language": row.language,
                "interpreter_needed": languages.interpreter_may_be_needed(row.language),
                "sources": source,
                "requests": 1,
                "reply_id": row.id,
                "request_note": row.callback_note,
                "opened_at": row.received_at,
                "last_requested_at": row.received_at,
            }
            continue
        task["requests"] += 1
        task["last_requested_at"] = row.received_at
        if source not in task["sources"].split(","):
            task["sources"] = f"{task['sources']},{source}"
        task["request_note"] = task["request_note"] or row.callback_note
    if tasks:
        op.bulk_insert(_tasks, list(tasks.values()))
    # The flagged replies are now tasks: they leave the review inbox, read as a callback.
    reviewed = datetime.now(UTC)
    for row in rows:
        if row.reviewed_intent is None:
            bind.execute(
                _inbound.update()
                .where(i.id == row.id)
                .values(
                    reviewed_intent="callback",
                    reviewed_by=row.callback_by or "the patient (CALL)",
                    reviewed_at=reviewed,
                )
            )


def downgrade() -> None:
    with op.batch_alter_table("inbound_messages") as batch:
        batch.add_column(
            sa.Column("callback_requested", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("callback_note", sa.String(length=500), nullable=True))
        batch.add_column(sa.Column("callback_by", sa.String(length=200), nullable=True))
    op.execute(
        "UPDATE inbound_messages SET callback_requested = TRUE WHERE id IN"
        " (SELECT reply_id FROM callback_tasks WHERE reply_id IS NOT NULL)"
    )
    op.drop_index("uq_callback_tasks_open", table_name="callback_tasks")
    op.drop_index("ix_callback_tasks_practice_opened", table_name="callback_tasks")
    op.drop_table("callback_tasks")

"""voice calls: recordings, a trial's call settings, AnsweredBy, one call in flight

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 16:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

IN_FLIGHT = "channel = 'voice' AND status IN ('sending', 'accepted', 'ringing', 'in-progress')"


def upgrade() -> None:
    op.create_table(
        "recordings",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("scope", sa.String(36), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("language", sa.String(20), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("content_type", sa.String(40), nullable=False),
        sa.Column("audio", sa.LargeBinary(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("reviewed", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("reviewed_by", sa.String(200)),
        sa.Column("reviewed_at", sa.DateTime(timezone=True)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("scope", "kind", "language", "version"),
    )
    with op.batch_alter_table("trials") as batch:
        batch.add_column(sa.Column("call_retries", sa.Integer()))
        batch.add_column(sa.Column("call_retry_delay", sa.Integer()))  # seconds
        batch.add_column(sa.Column("say_allowed", sa.Boolean()))
        batch.add_column(sa.Column("callback_number", sa.String(20)))
    with op.batch_alter_table("messages") as batch:
        batch.add_column(sa.Column("answered_by", sa.String(30)))
    # At most one call in flight per patient and per number, whatever the senders do.
    for column in ("participant_id", "to"):
        op.create_index(
            f"ux_messages_call_in_flight_{column.strip('_')}",
            "messages",
            [column],
            unique=True,
            postgresql_where=sa.text(IN_FLIGHT),
            sqlite_where=sa.text(IN_FLIGHT),
        )


def downgrade() -> None:
    for column in ("participant_id", "to"):
        op.drop_index(f"ux_messages_call_in_flight_{column.strip('_')}", "messages")
    with op.batch_alter_table("messages") as batch:
        batch.drop_column("answered_by")
    with op.batch_alter_table("trials") as batch:
        for column in ("callback_number", "say_allowed", "call_retry_delay", "call_retries"):
            batch.drop_column(column)
    op.drop_table("recordings")

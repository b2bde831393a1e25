"""status callbacks are stored on receipt and applied after, in batches

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05 20:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_PENDING = sa.text("applied IS NULL")


def upgrade() -> None:
    # NULL: stored, not yet applied. Every row so far was applied when it arrived.
    with op.batch_alter_table("message_status_events") as batch:
        batch.alter_column("applied", existing_type=sa.Boolean(), nullable=True)
        batch.create_index(
            "ix_message_status_events_pending",
            ["id"],
            postgresql_where=_PENDING,
            sqlite_where=_PENDING,
        )


def downgrade() -> None:
    op.execute("UPDATE message_status_events SET applied = false WHERE applied IS NULL")
    with op.batch_alter_table("message_status_events") as batch:
        batch.drop_index("ix_message_status_events_pending")
        batch.alter_column("applied", existing_type=sa.Boolean(), nullable=False)

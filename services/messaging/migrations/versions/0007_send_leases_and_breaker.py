"""sending leases (never reconcile a call in flight) and the shared circuit breaker

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 13:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("messages") as batch:
        # The sending process whose call this attempt is; NULL for attempts made before.
        batch.add_column(sa.Column("sender_id", sa.Uuid(), nullable=True))
        # When the call ended without a known outcome (timeout, broken connection).
        batch.add_column(sa.Column("outcome_unknown_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "sender_leases",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("expires", sa.Float(), nullable=False),  # database clock, epoch seconds
    )
    op.create_table(
        "circuit_breakers",
        sa.Column("name", sa.String(40), primary_key=True),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("cooldown", sa.Float(), nullable=False),
        sa.Column("until", sa.Float(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("circuit_breakers")
    op.drop_table("sender_leases")
    with op.batch_alter_table("messages") as batch:
        batch.drop_column("outcome_unknown_at")
        batch.drop_column("sender_id")

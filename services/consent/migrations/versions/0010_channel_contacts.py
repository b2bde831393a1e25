"""which channels reached each patient invited to a trial, for reports by channel

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 19:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "channel_contacts",
        sa.Column("trial_id", sa.Uuid(), primary_key=True),
        sa.Column("participant_id", sa.Uuid(), primary_key=True),
        sa.Column("channel", sa.String(20), primary_key=True),
        sa.Column("delivered", sa.Boolean(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("channel_contacts")

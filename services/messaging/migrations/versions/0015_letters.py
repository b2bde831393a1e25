"""letters: whether a contact can get one (never the address), and what each letter has

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 16:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("contacts") as batch:
        batch.add_column(
            sa.Column("postal", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(
            sa.Column("large_print", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.create_table(
        "letters",
        sa.Column("message_id", sa.Uuid(), primary_key=True),
        sa.Column("batch_id", sa.Uuid(), nullable=False),
        sa.Column("participant_id", sa.Uuid(), nullable=False),
        sa.Column("trial_id", sa.Uuid(), nullable=False),
        sa.Column("language", sa.String(length=20), nullable=False),
        sa.Column("large_print", sa.Boolean(), nullable=False),
        sa.Column("link", sa.String(length=500)),
        sa.Column("short_link", sa.String(length=200)),
        sa.Column("code", sa.String(length=10)),
        sa.Column("link_requested_at", sa.DateTime(timezone=True)),
        sa.Column("printed_at", sa.DateTime(timezone=True)),
        sa.Column("posted_at", sa.DateTime(timezone=True)),
        sa.Column("print_reference", sa.String(length=100)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_letters_batch_id", "letters", ["batch_id"])
    op.create_index("ix_letters_participant_trial", "letters", ["participant_id", "trial_id"])


def downgrade() -> None:
    op.drop_table("letters")
    with op.batch_alter_table("contacts") as batch:
        batch.drop_column("large_print")
        batch.drop_column("postal")

"""cascade letters: which cascade step made a letter, one letter per step and try

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 19:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("letters") as batch:
        batch.add_column(sa.Column("cascade_run_id", sa.Uuid()))
        batch.add_column(sa.Column("cascade_step", sa.Integer()))
        batch.add_column(sa.Column("cascade_attempt", sa.Integer()))
    # A letter batch's letters have none (NULLs are distinct); a cascade's step makes one.
    op.create_index(
        "ux_letters_cascade_step",
        "letters",
        ["cascade_run_id", "cascade_step", "cascade_attempt"],
        unique=True,
    )


def downgrade() -> None:
    op.drop_index("ux_letters_cascade_step", table_name="letters")
    with op.batch_alter_table("letters") as batch:
        batch.drop_column("cascade_attempt")
        batch.drop_column("cascade_step")
        batch.drop_column("cascade_run_id")

"""participants get a postal address for letters and a large-print preference

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06 16:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = (
    ("address_line_1", 100),
    ("address_line_2", 100),
    ("address_line_3", 100),
    ("town", 60),
    ("postcode", 8),
)


def upgrade() -> None:
    with op.batch_alter_table("participants") as batch:
        for name, length in COLUMNS:
            batch.add_column(sa.Column(name, sa.String(length=length)))
        batch.add_column(
            sa.Column("large_print", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("participants") as batch:
        batch.drop_column("large_print")
        for name, _ in reversed(COLUMNS):
            batch.drop_column(name)

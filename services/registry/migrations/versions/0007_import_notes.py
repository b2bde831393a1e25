"""an import's report notes rows it imported with an unknown language, beside its errors

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 23:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Every line reported before this was an error that rejected its row.
    with op.batch_alter_table("import_errors") as batch:
        batch.add_column(sa.Column("kind", sa.String(5), nullable=False, server_default="error"))
    with op.batch_alter_table("imports") as batch:
        batch.add_column(sa.Column("noted", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("imports") as batch:
        batch.drop_column("noted")
    with op.batch_alter_table("import_errors") as batch:
        batch.drop_column("kind")

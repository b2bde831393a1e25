"""identity check per trial, one-time codes on links

Revision ID: 0004
Revises: 0002
Create Date: 2026-12-06 13:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("trials") as batch:
        batch.add_column(
            sa.Column("identity_check", sa.String(length=20), nullable=False, server_default="dob")
        )
    with op.batch_alter_table("consent_links") as batch:
        batch.add_column(sa.Column("code_hash", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("code_expires_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("consent_links") as batch:
        batch.drop_column("code_expires_at")
        batch.drop_column("code_hash")
    with op.batch_alter_table("trials") as batch:
        batch.drop_column("identity_check")

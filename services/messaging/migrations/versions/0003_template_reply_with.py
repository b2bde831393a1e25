"""templates say whether they ask for words or digits

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 08:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Every template so far asks "Reply YES or NO": words.
    with op.batch_alter_table("templates") as batch:
        batch.add_column(
            sa.Column("reply_with", sa.String(length=10), nullable=False, server_default="words")
        )
    # The shipped English texts came reviewed but without saying by whom or when.
    op.execute(
        "UPDATE templates SET reviewed_by = 'TrialReach (shipped)', reviewed_at = created_at "
        "WHERE reviewed AND reviewed_by IS NULL"
    )


def downgrade() -> None:
    with op.batch_alter_table("templates") as batch:
        batch.drop_column("reply_with")

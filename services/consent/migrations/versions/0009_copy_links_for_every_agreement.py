"""copy links for every agreement: the response a link shows, and no signature needed

Revision ID: 0009
Revises: 0005
Create Date: 2026-12-06 19:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# The confirming text carries a link to the signed copy whatever the trial asked for (a
# button press, a signature, consent by phone) and after a countersignature (decision 0031):
# a link names the agreement it shows; links made before name only their signature.
revision: str = "0009"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("copy_links") as batch:
        batch.add_column(sa.Column("response_id", sa.Uuid(), nullable=True))
        batch.alter_column("signature_id", existing_type=sa.Uuid(), nullable=True)


def downgrade() -> None:
    op.execute("DELETE FROM copy_links WHERE signature_id IS NULL")
    with op.batch_alter_table("copy_links") as batch:
        batch.alter_column("signature_id", existing_type=sa.Uuid(), nullable=False)
        batch.drop_column("response_id")

"""every message and reply has a channel: sms, whatsapp, voice or letter

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 16:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Everything sent or received before channels existed was a text.
    for table in ("messages", "inbound_messages"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(
                sa.Column("channel", sa.String(12), nullable=False, server_default="sms")
            )


def downgrade() -> None:
    for table in ("messages", "inbound_messages"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("channel")

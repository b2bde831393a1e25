"""each patient may have a preferred channel: sms, whatsapp, voice or letter (decision 30)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 16:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("participants") as batch:
        batch.add_column(sa.Column("preferred_channel", sa.String(12)))


def downgrade() -> None:
    with op.batch_alter_table("participants") as batch:
        batch.drop_column("preferred_channel")

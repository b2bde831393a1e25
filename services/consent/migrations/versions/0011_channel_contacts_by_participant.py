"""find a participant's channel contacts, to remove them when the participant is erased

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 20:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_channel_contacts_participant", "channel_contacts", ["participant_id"])


def downgrade() -> None:
    op.drop_index("ix_channel_contacts_participant", table_name="channel_contacts")

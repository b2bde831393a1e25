"""trials lose their sending window: messaging owns sending windows

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 12:55:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Nothing ever acted on these (messaging ignored them), so dropping them changes no sending.
COLUMNS = {
    "window_start": (sa.Time(), "09:00:00"),
    "window_end": (sa.Time(), "18:00:00"),
    "sending_days": (sa.JSON(), "[1, 2, 3, 4, 5]"),
}


def upgrade() -> None:
    with op.batch_alter_table("trials") as batch:
        for name in COLUMNS:
            batch.drop_column(name)


def downgrade() -> None:
    # Back with the design's defaults, as 0002 gave them: 09:00-18:00, Monday to Friday.
    with op.batch_alter_table("trials") as batch:
        for name, (type_, value) in COLUMNS.items():
            batch.add_column(sa.Column(name, type_, nullable=False, server_default=value))
    with op.batch_alter_table("trials") as batch:
        for name, (type_, _) in COLUMNS.items():
            batch.alter_column(name, existing_type=type_, server_default=None)

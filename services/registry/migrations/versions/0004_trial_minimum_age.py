"""trials get a minimum age (18 unless an admin changes it), and its changes are kept

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06 13:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Existing trials become adults only: no trial so far asked for children.
    with op.batch_alter_table("trials") as batch:
        batch.add_column(
            sa.Column("minimum_age", sa.Integer(), nullable=False, server_default="18")
        )
    op.create_table(
        "trial_setting_changes",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("trial_id", sa.Uuid(), nullable=False),
        sa.Column("setting", sa.String(length=40), nullable=False),
        sa.Column("old_value", sa.String(length=200), nullable=False),
        sa.Column("new_value", sa.String(length=200), nullable=False),
        sa.Column("changed_by", sa.String(length=200), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["trial_id"], ["trials.id"], name=op.f("fk_trial_setting_changes_trial_id_trials")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trial_setting_changes")),
    )
    op.create_index(
        "ix_trial_setting_changes_trial_id_changed_at",
        "trial_setting_changes",
        ["trial_id", "changed_at"],
    )


def downgrade() -> None:
    op.drop_index(
        "ix_trial_setting_changes_trial_id_changed_at", table_name="trial_setting_changes"
    )
    op.drop_table("trial_setting_changes")
    with op.batch_alter_table("trials") as batch:
        batch.drop_column("minimum_age")

"""the research team's confirmation: a setting per trial or form version, and what the team
attested (discussion, countersignature, witness, legal representative, consent by phone)

Revision ID: 0006
Revises: 0004
Create Date: 2026-12-06 16:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "confirmation_settings",
        sa.Column("trial_id", sa.Uuid(), nullable=False),
        sa.Column("form_version", sa.Integer(), nullable=False),
        sa.Column("required", sa.Boolean(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("trial_id", "form_version", name=op.f("pk_confirmation_settings")),
    )
    op.create_table(
        "consent_attestations",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("record_id", sa.Uuid(), nullable=False),
        sa.Column("trial_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent_attestations")),
    )
    op.create_index(
        op.f("ix_consent_attestations_record_id"), "consent_attestations", ["record_id"]
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_consent_attestations_record_id"), table_name="consent_attestations")
    op.drop_table("consent_attestations")
    op.drop_table("confirmation_settings")

"""consent forms, links, responses, status counts; practice on records

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 13:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("consent_records", schema=None) as batch_op:
        batch_op.add_column(sa.Column("practice_ods", sa.String(length=6), nullable=True))
        batch_op.create_index(
            "ix_consent_records_trial_participant", ["trial_id", "participant_id"], unique=False
        )
    op.execute(
        "UPDATE consent_records SET practice_ods = (SELECT p.practice_ods FROM participants p"
        " WHERE p.participant_id = consent_records.participant_id)"
    )
    op.create_table(
        "consent_forms",
        sa.Column("trial_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.Column("translations", sa.JSON(), nullable=False),
        sa.Column("requires_reconsent", sa.Boolean(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ethics_reference", sa.String(length=100), nullable=True),
        sa.PrimaryKeyConstraint("trial_id", "version", name=op.f("pk_consent_forms")),
    )
    op.create_table(
        "consent_links",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("participant_id", sa.Uuid(), nullable=False),
        sa.Column("trial_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("dob_failures", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent_links")),
    )
    op.create_index(
        "ix_consent_links_participant_trial", "consent_links", ["participant_id", "trial_id"]
    )
    op.create_table(
        "consent_responses",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("record_id", sa.Uuid(), nullable=False),
        sa.Column("participant_id", sa.Uuid(), nullable=False),
        sa.Column("trial_id", sa.Uuid(), nullable=False),
        sa.Column("form_version", sa.Integer(), nullable=False),
        sa.Column("form_hash", sa.String(length=64), nullable=False),
        sa.Column("language", sa.String(length=20), nullable=False),
        sa.Column("decision", sa.String(length=20), nullable=False),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent_responses")),
    )
    op.create_index(
        op.f("ix_consent_responses_record_id"), "consent_responses", ["record_id"], unique=False
    )
    op.create_table(
        "status_counts",
        sa.Column("trial_id", sa.Uuid(), nullable=False),
        sa.Column("practice_ods", sa.String(length=6), nullable=False),
        sa.Column("status", sa.String(length=30), nullable=False),
        sa.Column("n", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint(
            "trial_id", "practice_ods", "status", name=op.f("pk_status_counts")
        ),
    )
    op.execute(
        "INSERT INTO status_counts (trial_id, practice_ods, status, n)"
        " SELECT trial_id, COALESCE(practice_ods, ''), status, COUNT(*) FROM consent_records"
        " WHERE status IS NOT NULL GROUP BY trial_id, COALESCE(practice_ods, ''), status"
    )


def downgrade() -> None:
    op.drop_table("status_counts")
    op.drop_index(op.f("ix_consent_responses_record_id"), table_name="consent_responses")
    op.drop_table("consent_responses")
    op.drop_index("ix_consent_links_participant_trial", table_name="consent_links")
    op.drop_table("consent_links")
    op.drop_table("consent_forms")
    with op.batch_alter_table("consent_records", schema=None) as batch_op:
        batch_op.drop_index("ix_consent_records_trial_participant")
        batch_op.drop_column("practice_ods")

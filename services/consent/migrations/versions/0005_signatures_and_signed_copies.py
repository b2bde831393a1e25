"""signatures (drawn or typed) per trial setting, their hash in the audit chain, and
short-lived links to the signed copy

Revision ID: 0005
Revises: 0007 (chained after the understanding questions, merged first)
Create Date: 2026-12-06 16:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("trials") as batch:
        batch.add_column(
            sa.Column("signature", sa.String(length=20), nullable=False, server_default="none")
        )
    with op.batch_alter_table("audit_entries") as batch:
        batch.add_column(sa.Column("signature_hash", sa.String(length=64), nullable=True))
    op.create_table(
        "signatures",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("record_id", sa.Uuid(), nullable=False),
        sa.Column("trial_id", sa.Uuid(), nullable=False),
        sa.Column("response_id", sa.Uuid(), nullable=False),
        sa.Column("form_version", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("typed_name", sa.String(length=120), nullable=True),
        sa.Column("drawing", sa.Text(), nullable=True),
        sa.Column("salt", sa.String(length=32), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signatures")),
    )
    op.create_index(op.f("ix_signatures_record_id"), "signatures", ["record_id"])
    op.create_table(
        "copy_links",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("signature_id", sa.Uuid(), nullable=False),
        sa.Column("record_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_copy_links")),
    )


def downgrade() -> None:
    op.drop_table("copy_links")
    op.drop_index(op.f("ix_signatures_record_id"), table_name="signatures")
    op.drop_table("signatures")
    with op.batch_alter_table("audit_entries") as batch:
        batch.drop_column("signature_hash")
    with op.batch_alter_table("trials") as batch:
        batch.drop_column("signature")

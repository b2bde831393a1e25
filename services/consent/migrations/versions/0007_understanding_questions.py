"""questions that check understanding before a patient decides, and every answer to them

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 16:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("consent_forms") as batch:
        batch.add_column(sa.Column("questions", sa.JSON(), nullable=True))
    op.create_table(
        "understanding_answers",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("record_id", sa.Uuid(), nullable=False),
        sa.Column("form_version", sa.Integer(), nullable=False),
        sa.Column("question_key", sa.String(40), nullable=False),
        sa.Column("answer", sa.String(40), nullable=False),
        sa.Column("correct", sa.Boolean(), nullable=False),
        sa.Column("language", sa.String(20), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index(
        "ix_understanding_answers_record", "understanding_answers", ["record_id", "form_version"]
    )


def downgrade() -> None:
    op.drop_index("ix_understanding_answers_record", table_name="understanding_answers")
    op.drop_table("understanding_answers")
    with op.batch_alter_table("consent_forms") as batch:
        batch.drop_column("questions")

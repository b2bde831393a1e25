"""whose STOP it was; staff opt-in requests; call-back flags on replies; two new texts

Revision ID: 0006
Revises: 0004
Create Date: 2026-12-06 13:00:00
"""

import json
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from alembic import op

# The texts shipped with this revision ("unclear", "opt_in_check"): English reviewed,
# translations not yet, as in 0002.
SHIPPED = Path(__file__).parents[1] / "data" / "templates_0006.json"

revision: str = "0006"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("suppressions") as batch:
        batch.add_column(sa.Column("participant_id", sa.Uuid(), nullable=True))
        batch.add_column(sa.Column("practice_ods", sa.String(length=6), nullable=True))
    with op.batch_alter_table("inbound_messages") as batch:
        batch.add_column(
            sa.Column("callback_requested", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("callback_note", sa.String(length=500), nullable=True))
        batch.add_column(sa.Column("callback_by", sa.String(length=200), nullable=True))
    op.create_table(
        "opt_in_requests",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("mobile", sa.String(length=20), nullable=False),
        sa.Column("participant_id", sa.Uuid(), nullable=False),
        sa.Column("practice_ods", sa.String(length=6), nullable=False),
        sa.Column("requested_by", sa.String(length=200), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("message_id", sa.Uuid(), nullable=True),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_opt_in_requests_mobile"), "opt_in_requests", ["mobile"])
    seed_templates()


def seed_templates() -> None:
    table = sa.table(
        "templates",
        sa.column("id", sa.Uuid()),
        sa.column("scope", sa.String()),
        sa.column("kind", sa.String()),
        sa.column("language", sa.String()),
        sa.column("version", sa.Integer()),
        sa.column("body", sa.Text()),
        sa.column("reviewed", sa.Boolean()),
        sa.column("reply_with", sa.String()),
        sa.column("created_by", sa.String()),
        sa.column("reviewed_by", sa.String()),
        sa.column("reviewed_at", sa.DateTime(timezone=True)),
        sa.column("created_at", sa.DateTime(timezone=True)),
    )
    shipped = json.loads(SHIPPED.read_text(encoding="utf-8"))
    created = datetime.now(UTC)
    op.bulk_insert(
        table,
        [
            {
                "id": uuid.uuid4(),
                "scope": "default",
                "kind": kind,
                "language": language,
                "version": 1,
                "body": body,
                "reviewed": language == "en",
                "reply_with": "words",
                "created_by": "shipped with TrialReach",
                "reviewed_by": "TrialReach (shipped)" if language == "en" else None,
                "reviewed_at": created if language == "en" else None,
                "created_at": created,
            }
            for language, kinds in shipped.items()
            for kind, body in kinds.items()
        ],
    )


def downgrade() -> None:
    op.execute("DELETE FROM templates WHERE kind IN ('unclear', 'opt_in_check')")
    op.drop_index(op.f("ix_opt_in_requests_mobile"), table_name="opt_in_requests")
    op.drop_table("opt_in_requests")
    with op.batch_alter_table("inbound_messages") as batch:
        batch.drop_column("callback_by")
        batch.drop_column("callback_note")
        batch.drop_column("callback_requested")
    with op.batch_alter_table("suppressions") as batch:
        batch.drop_column("practice_ods")
        batch.drop_column("participant_id")

"""WhatsApp templates and opt-ins, content templates on messages, preferred channels, and
trial cascades (decision 30)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 16:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("messages") as batch:
        batch.add_column(sa.Column("content_sid", sa.String(64)))
        batch.add_column(sa.Column("content_variables", sa.Text()))
    with op.batch_alter_table("contacts") as batch:
        batch.add_column(sa.Column("preferred_channel", sa.String(12)))
    op.create_table(
        "whatsapp_templates",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("language", sa.String(20), nullable=False),
        sa.Column("content_sid", sa.String(64), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("variables", sa.JSON(), nullable=False),
        sa.Column("approval", sa.String(12), nullable=False),
        sa.Column("updated_by", sa.String(200), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("kind", "language"),
    )
    op.create_table(
        "whatsapp_opt_ins",
        sa.Column("mobile", sa.String(20), primary_key=True),
        sa.Column("participant_id", sa.Uuid(), nullable=False),
        sa.Column("agreed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("how", sa.String(20), nullable=False),
        sa.Column("recorded_by", sa.String(200), nullable=False),
        sa.Column("note", sa.String(500)),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "cascades",
        sa.Column("trial_id", sa.Uuid(), primary_key=True),
        sa.Column("steps", sa.JSON(), nullable=False),
        sa.Column("updated_by", sa.String(200), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "cascade_runs",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("participant_id", sa.Uuid(), nullable=False),
        sa.Column("trial_id", sa.Uuid(), nullable=False),
        sa.Column("channel", sa.String(12), nullable=False),
        sa.Column("message_id", sa.Uuid(), nullable=False),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("tries", sa.Integer(), nullable=False),
        sa.Column("tried", sa.String(60), nullable=False),
        sa.Column("state", sa.String(12), nullable=False),
        sa.Column("next_at", sa.DateTime(timezone=True)),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("participant_id", "trial_id"),
    )
    op.create_index("ix_cascade_runs_state", "cascade_runs", ["state"])
    # The session window looks up a number's last WhatsApp message.
    op.create_index(
        "ix_inbound_messages_channel_from", "inbound_messages", ["channel", "from_number"]
    )


def downgrade() -> None:
    op.drop_index("ix_inbound_messages_channel_from", "inbound_messages")
    op.drop_index("ix_cascade_runs_state", "cascade_runs")
    for table in ("cascade_runs", "cascades", "whatsapp_opt_ins", "whatsapp_templates"):
        op.drop_table(table)
    with op.batch_alter_table("contacts") as batch:
        batch.drop_column("preferred_channel")
    with op.batch_alter_table("messages") as batch:
        batch.drop_column("content_variables")
        batch.drop_column("content_sid")

"""identity check per trial, one-time codes on links; study numbers per trial; the
registry's population counts for the equity report

Revision ID: 0004
Revises: 0002
Create Date: 2026-12-06 13:40:00
"""

import re
import uuid
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("trials") as batch:
        batch.add_column(
            sa.Column("identity_check", sa.String(length=20), nullable=False, server_default="dob")
        )
    with op.batch_alter_table("consent_links") as batch:
        batch.add_column(sa.Column("code_hash", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("code_expires_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "study_sequences",
        sa.Column("trial_id", sa.Uuid(), nullable=False),
        sa.Column("last_number", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("trial_id", name=op.f("pk_study_sequences")),
    )
    with op.batch_alter_table("consent_records") as batch:
        batch.add_column(sa.Column("study_number", sa.String(length=40), nullable=True))
    number_existing_records()
    op.create_table(
        "population_counts",
        sa.Column("population", sa.String(length=20), nullable=False),
        sa.Column("practice_ods", sa.String(length=6), nullable=False),
        sa.Column("trial_key", sa.String(length=36), nullable=False),
        sa.Column("band", sa.String(length=20), nullable=False),
        sa.Column("value", sa.String(length=20), nullable=False),
        sa.Column("n", sa.BigInteger(), nullable=False),
        sa.Column("counted_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint(
            "population",
            "practice_ods",
            "trial_key",
            "band",
            "value",
            name=op.f("pk_population_counts"),
        ),
    )
    with op.batch_alter_table("consent_records") as batch:
        batch.create_unique_constraint(
            op.f("uq_consent_records_trial_id"), ["trial_id", "study_number"]
        )


def _trial_code(short_name: str | None, trial_id: uuid.UUID) -> str:
    # As services.consent.domain.study_numbers.trial_code, frozen here as of this revision.
    words = re.findall(r"[A-Z0-9]+", (short_name or "").upper())
    return "-".join(words)[:20].strip("-") or f"T{trial_id.hex[:8].upper()}"


def number_existing_records() -> None:
    """Records made before study numbers get them in the order they were made, per trial."""
    bind = op.get_bind()
    records = sa.table(
        "consent_records",
        sa.column("id", sa.Uuid()),
        sa.column("trial_id", sa.Uuid()),
        sa.column("created_at", sa.DateTime(timezone=True)),
        sa.column("study_number", sa.String()),
    )
    trials = sa.table("trials", sa.column("id", sa.Uuid()), sa.column("short_name", sa.String()))
    sequences = sa.table(
        "study_sequences",
        sa.column("trial_id", sa.Uuid()),
        sa.column("last_number", sa.BigInteger()),
    )
    names = dict(bind.execute(sa.select(trials.c.id, trials.c.short_name)).all())
    counters: dict[uuid.UUID, int] = {}
    rows = bind.execute(
        sa.select(records.c.id, records.c.trial_id).order_by(
            records.c.trial_id, records.c.created_at, records.c.id
        )
    ).all()
    for record_id, trial_id in rows:
        counters[trial_id] = counters.get(trial_id, 0) + 1
        number = f"{_trial_code(names.get(trial_id), trial_id)}-{counters[trial_id]:06d}"
        bind.execute(
            sa.update(records).where(records.c.id == record_id).values(study_number=number)
        )
    if counters:
        op.bulk_insert(sequences, [{"trial_id": t, "last_number": n} for t, n in counters.items()])


def downgrade() -> None:
    op.drop_table("population_counts")
    with op.batch_alter_table("consent_records") as batch:
        batch.drop_constraint(op.f("uq_consent_records_trial_id"), type_="unique")
        batch.drop_column("study_number")
    op.drop_table("study_sequences")
    with op.batch_alter_table("consent_links") as batch:
        batch.drop_column("code_expires_at")
        batch.drop_column("code_hash")
    with op.batch_alter_table("trials") as batch:
        batch.drop_column("identity_check")

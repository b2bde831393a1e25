"""the text after a patient signs where the research team confirms next: a new text kind

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 16:20:00
"""

import json
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from alembic import op

# The texts shipped with this revision ("consent_awaiting_confirmation", decision 0032 of
# consent): English reviewed, translations not yet, as in 0002, 0006 and 0008; the same
# eleven languages as 0008 here, all 33 in the catalogs (shared/locale).
SHIPPED = Path(__file__).parents[1] / "data" / "templates_0012.json"

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
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
    op.execute(
        "DELETE FROM templates WHERE kind = 'consent_awaiting_confirmation' AND scope = 'default'"
    )

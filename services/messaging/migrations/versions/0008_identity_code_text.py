"""the one-time code of the consent page's identity check: a new text kind

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 13:45:00
"""

import json
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from alembic import op

# The texts shipped with this revision ("identity_code"): English reviewed, translations not
# yet, as in 0002 and 0006.
SHIPPED = Path(__file__).parents[1] / "data" / "templates_0008.json"

revision: str = "0008"
down_revision: str | None = "0007"
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
    op.execute("DELETE FROM templates WHERE kind = 'identity_code' AND scope = 'default'")

"""the "awaiting confirmation" text links to the copy of what the patient signed: a new version

Revision ID: 0020
Revises: 0018
Create Date: 2026-12-06 20:20:00
"""

import json
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from alembic import op

# Consent already sends a short-lived link to the copy of what the patient signed with the
# text that says the research team must still confirm (decision 0031 of consent), but the
# shipped "consent_awaiting_confirmation" (0012) did not show it: a new version in each
# shipped language ends with the same words as 0018's confirming text. English reviewed,
# translations not yet, as in 0002; all 33 in the catalogs.
SHIPPED = Path(__file__).parents[1] / "data" / "templates_0020.json"
KIND = "consent_awaiting_confirmation"
CREATED_BY = "shipped with TrialReach (0020)"

revision: str = "0020"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

templates = sa.table(
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


def upgrade() -> None:
    """Each language's next version after the newest it has (an admin may have added one)."""
    newest = dict(
        op.get_bind()
        .execute(
            sa.select(templates.c.language, sa.func.max(templates.c.version))
            .where(templates.c.scope == "default", templates.c.kind == KIND)
            .group_by(templates.c.language)
        )
        .all()
    )
    shipped = json.loads(SHIPPED.read_text(encoding="utf-8"))
    created = datetime.now(UTC)
    op.bulk_insert(
        templates,
        [
            {
                "id": uuid.uuid4(),
                "scope": "default",
                "kind": KIND,
                "language": language,
                "version": (newest.get(language) or 0) + 1,
                "body": kinds[KIND],
                "reviewed": language == "en",
                "reply_with": "words",
                "created_by": CREATED_BY,
                "reviewed_by": "TrialReach (shipped)" if language == "en" else None,
                "reviewed_at": created if language == "en" else None,
                "created_at": created,
            }
            for language, kinds in shipped.items()
        ],
    )


def downgrade() -> None:
    shipped = (templates.c.kind == KIND) & (templates.c.created_by == CREATED_BY)
    op.execute(sa.delete(templates).where(shipped, templates.c.scope == "default"))

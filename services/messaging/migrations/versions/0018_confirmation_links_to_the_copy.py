"""the confirming text links to the patient's copy of the consent form: a new version

Revision ID: 0018
Revises: 0016
Create Date: 2026-12-06 19:40:00
"""

import json
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from alembic import op

# Consent sends a short-lived link to the copy with every confirmation (decision 0031 of
# consent): a new version of "consent_confirmation" in each shipped language puts it in the
# text. English reviewed, translations not yet, as in 0002; all 33 in the catalogs.
SHIPPED = Path(__file__).parents[1] / "data" / "templates_0018.json"
KIND = "consent_confirmation"
CREATED_BY = "shipped with TrialReach (0018)"

revision: str = "0018"
down_revision: str | None = "0016"
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

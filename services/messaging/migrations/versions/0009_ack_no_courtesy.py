"""declining gets the same courtesy as withdrawing: a new version of the shipped ack_no

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 14:30:00
"""

import json
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from alembic import op

# The NO acknowledgement now also says the patient's care will not change (issue 15 item 7).
# English reviewed, translations not (they are drafted, as in 0002); the catalogs hold the
# same texts (decision 0025). A new version, so the trail of the old one is kept.
SHIPPED = Path(__file__).parents[1] / "data" / "templates_0009.json"
AUTHOR = "shipped with TrialReach"

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = sa.table(
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
    shipped = json.loads(SHIPPED.read_text(encoding="utf-8"))
    bind = op.get_bind()
    created = datetime.now(UTC)
    rows = []
    for language, kinds in shipped.items():
        for kind, body in kinds.items():
            # After whatever an admin already saved as the default, never over it.
            latest = bind.execute(
                sa.select(sa.func.max(TABLE.c.version)).where(
                    TABLE.c.scope == "default", TABLE.c.kind == kind, TABLE.c.language == language
                )
            ).scalar()
            rows.append(
                {
                    "id": uuid.uuid4(),
                    "scope": "default",
                    "kind": kind,
                    "language": language,
                    "version": int(latest or 0) + 1,
                    "body": body,
                    "reviewed": language == "en",
                    "reply_with": "words",
                    "created_by": AUTHOR,
                    "reviewed_by": "TrialReach (shipped)" if language == "en" else None,
                    "reviewed_at": created if language == "en" else None,
                    "created_at": created,
                }
            )
    op.bulk_insert(TABLE, rows)


def downgrade() -> None:
    shipped = json.loads(SHIPPED.read_text(encoding="utf-8"))
    for language, kinds in shipped.items():
        for kind, body in kinds.items():
            op.execute(
                TABLE.delete().where(
                    TABLE.c.scope == "default",
                    TABLE.c.kind == kind,
                    TABLE.c.language == language,
                    TABLE.c.body == body,
                    TABLE.c.created_by == AUTHOR,
                )
            )

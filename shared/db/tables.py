"""Tables every service database has: the outbox, the inbox of handled events, API tokens."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    Uuid,
    text,
)

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# BIGINT on PostgreSQL, INTEGER on SQLite (where only INTEGER PRIMARY KEY autoincrements).
BigId = BigInteger().with_variant(Integer(), "sqlite")


class PlatformTables:
    def __init__(self, metadata: MetaData) -> None:
        self.outbox = Table(
            "outbox",
            metadata,
            Column("id", BigId, primary_key=True, autoincrement=True),
            Column("event_id", Uuid, nullable=False, unique=True),
            Column("type", String(120), nullable=False),
            Column("payload", Text, nullable=False),
            Column("created_at", DateTime(timezone=True), nullable=False),
            Column("published_at", DateTime(timezone=True)),
            Index(
                "ix_outbox_unpublished",
                "id",
                postgresql_where=text("published_at IS NULL"),
                sqlite_where=text("published_at IS NULL"),
            ),
        )
        self.inbox = Table(
            "inbox",
            metadata,
            Column("consumer", String(80), primary_key=True),
            Column("event_id", Uuid, primary_key=True),
            Column("event_type", String(120), nullable=False),
            Column("handled_at", DateTime(timezone=True), nullable=False),
        )
        self.api_tokens = Table(
            "api_tokens",
            metadata,
            Column("id", Uuid, primary_key=True),
            Column("token_hash", String(64), nullable=False, unique=True),
            Column("name", String(200), nullable=False),
            Column("role", String(20), nullable=False),
            Column("practices", JSON, nullable=False),
            Column("trials", JSON, nullable=False),
            Column("created_at", DateTime(timezone=True), nullable=False),
            Column("expires_at", DateTime(timezone=True)),
            Column("revoked_at", DateTime(timezone=True)),
        )


def new_metadata() -> tuple[MetaData, PlatformTables]:
    metadata = MetaData(naming_convention=NAMING)
    return metadata, PlatformTables(metadata)

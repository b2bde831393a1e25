"""Messaging tables, mapped imperatively onto the domain's dataclasses."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Index,
    Integer,
    String,
    Table,
    Text,
    Uuid,
)
from sqlalchemy.orm import registry

from services.messaging.domain.model import Contact, InboundMessage, Message, Suppression
from shared.db.tables import new_metadata

metadata, platform = new_metadata()
mapper_registry = registry(metadata=metadata)

contacts = Table(
    "contacts",
    metadata,
    Column("participant_id", Uuid, primary_key=True),
    Column("practice_ods", String(6), nullable=False),
    Column("mobile", String(20), index=True),
    Column("textable", Boolean, nullable=False),
    Column("language", String(20), nullable=False),
    Column("erased", Boolean, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

trials = Table(
    "trials",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("short_name", String(40), nullable=False),
    Column("title", String(300), nullable=False),
)

messages = Table(
    "messages",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("participant_id", Uuid, nullable=False, index=True),
    Column("trial_id", Uuid),
    Column("batch_id", Uuid, index=True),
    Column("to", String(20), nullable=False),
    Column("body", Text, nullable=False),
    Column("kind", String(40), nullable=False),
    Column("priority", Integer, nullable=False),
    Column("status", String(20), nullable=False),
    Column("provider_sid", String(64), unique=True),
    Column("error", String(300)),
    Column("attempts", Integer, nullable=False),
    Column("attempt_started_at", DateTime(timezone=True)),
    Column("not_before", DateTime(timezone=True)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Index("ix_messages_status_priority", "status", "priority", "created_at"),
)

status_events = Table(
    "message_status_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("message_id", Uuid, nullable=False, index=True),
    Column("provider_sid", String(64)),
    Column("status", String(20), nullable=False),
    Column("error_code", String(20)),
    Column("applied", Boolean, nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False),
)

inbound_messages = Table(
    "inbound_messages",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("provider_sid", String(64), nullable=False, unique=True),
    Column("from_number", String(20), nullable=False, index=True),
    Column("to_number", String(20), nullable=False),
    Column("body", Text, nullable=False),
    Column("participant_id", Uuid),
    Column("trial_id", Uuid),
    Column("intent", String(20)),
    Column("language", String(20)),
    Column("received_at", DateTime(timezone=True), nullable=False),
)

suppressions = Table(
    "suppressions",
    metadata,
    Column("mobile", String(20), primary_key=True),
    Column("reason", String(100), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

_mapped = False


def start_mappers() -> None:
    global _mapped
    if _mapped:
        return
    mapper_registry.map_imperatively(Contact, contacts)
    mapper_registry.map_imperatively(Message, messages)
    mapper_registry.map_imperatively(InboundMessage, inbound_messages)
    mapper_registry.map_imperatively(Suppression, suppressions)
    _mapped = True

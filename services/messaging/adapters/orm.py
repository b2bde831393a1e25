"""Messaging tables, mapped imperatively onto the domain's dataclasses."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Float,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
    false,
    text,
)
from sqlalchemy.orm import registry

from services.messaging.domain.batches import Batch
from services.messaging.domain.model import Contact, InboundMessage, Message, Suppression
from services.messaging.domain.opt_in import OptInRequest
from services.messaging.domain.templates import Template
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
    Column("info_url", String(500)),
    Column("reminder_days", Integer),
    Column("window_days", String(40)),
    Column("window_start", String(5)),
    Column("window_end", String(5)),
    Column("smart_encoding", Boolean),
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
    Column("sender_id", Uuid),  # the sending process making the attempt (its lease)
    Column("outcome_unknown_at", DateTime(timezone=True)),  # the call ended, outcome unknown
    Column("not_before", DateTime(timezone=True)),
    Column("language", String(20)),
    Column("template_id", Uuid),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Index("ix_messages_status_priority", "status", "priority", "created_at"),
    Index("ix_messages_to_created_at", "to", "created_at"),
)

status_events = Table(
    "message_status_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("message_id", Uuid, nullable=False, index=True),
    Column("provider_sid", String(64)),
    Column("status", String(20), nullable=False),
    Column("error_code", String(20)),
    # NULL until applied: stored when it arrives, applied after (decision 14).
    Column("applied", Boolean),
    Column("received_at", DateTime(timezone=True), nullable=False),
    Index(
        "ix_message_status_events_pending",
        "id",
        postgresql_where=text("applied IS NULL"),
        sqlite_where=text("applied IS NULL"),
    ),
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
    Column("reviewed_intent", String(20)),
    Column("reviewed_by", String(200)),
    Column("reviewed_at", DateTime(timezone=True)),
    Column("callback_requested", Boolean, nullable=False, server_default=false()),
    Column("callback_note", String(500)),
    Column("callback_by", String(200)),
    Column("received_at", DateTime(timezone=True), nullable=False),
    Index("ix_inbound_messages_participant_trial", "participant_id", "trial_id"),
)

suppressions = Table(
    "suppressions",
    metadata,
    Column("mobile", String(20), primary_key=True),
    Column("reason", String(100), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("participant_id", Uuid),
    Column("practice_ods", String(6)),
)

# Staff asking for a stopped number to be texted again: the audit, and the pending state.
opt_in_requests = Table(
    "opt_in_requests",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("mobile", String(20), nullable=False, index=True),
    Column("participant_id", Uuid, nullable=False),
    Column("practice_ods", String(6), nullable=False),
    Column("requested_by", String(200), nullable=False),
    Column("note", String(500)),
    Column("message_id", Uuid),
    Column("confirmed_at", DateTime(timezone=True)),
    Column("requested_at", DateTime(timezone=True), nullable=False),
)

templates = Table(
    "templates",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("scope", String(36), nullable=False),  # "default" or a trial id
    Column("kind", String(40), nullable=False),
    Column("language", String(20), nullable=False),
    Column("version", Integer, nullable=False),
    Column("body", Text, nullable=False),
    Column("reviewed", Boolean, nullable=False),
    Column("reply_with", String(10), nullable=False, server_default="words"),
    Column("created_by", String(200), nullable=False),
    Column("reviewed_by", String(200)),
    Column("reviewed_at", DateTime(timezone=True)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("scope", "kind", "language", "version"),
)

batches = Table(
    "batches",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("trial_id", Uuid, nullable=False),
    Column("practice_ods", String(6), nullable=False, index=True),
    Column("chunks", Integer, nullable=False),
    Column("chunks_received", Integer, nullable=False),
    Column("status", String(20), nullable=False),
    Column("send_at", DateTime(timezone=True)),
    Column("approved_by", String(200)),
    Column("approved_at", DateTime(timezone=True)),
    Column("allow_unreviewed", Boolean, nullable=False),
    Column("reminder_queued_at", DateTime(timezone=True)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

# One row per limit, shared by every sending process: a token bucket in the database.
rate_limits = Table(
    "rate_limits",
    metadata,
    Column("name", String(40), primary_key=True),
    Column("tokens", Float, nullable=False),
    Column("updated", Float, nullable=False),  # seconds since the epoch
)

# Each running sender's lease: an attempt whose sender holds a live lease is never
# reconciled, as its call may still be running.
sender_leases = Table(
    "sender_leases",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("expires", Float, nullable=False),  # database clock, seconds since the epoch
)

# The provider's circuit breaker, shared by every sending process (domain/breaker.py).
circuit_breakers = Table(
    "circuit_breakers",
    metadata,
    Column("name", String(40), primary_key=True),
    Column("state", String(10), nullable=False),
    Column("failures", Integer, nullable=False),
    Column("cooldown", Float, nullable=False),
    Column("until", Float, nullable=False),
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
    mapper_registry.map_imperatively(Template, templates)
    mapper_registry.map_imperatively(Batch, batches)
    mapper_registry.map_imperatively(OptInRequest, opt_in_requests)
    _mapped = True

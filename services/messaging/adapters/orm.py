"""Messaging tables, mapped imperatively onto the domain's dataclasses."""

from __future__ import annotations

from functools import cache

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Float,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
    false,
    text,
)
from sqlalchemy.orm import registry

from services.messaging.adapters.channel_tables import define, map_channel_tables
from services.messaging.domain.batches import Batch
from services.messaging.domain.callbacks import CallbackTask
from services.messaging.domain.letters import Letter
from services.messaging.domain.model import Contact, InboundMessage, Message, Suppression
from services.messaging.domain.opt_in import OptInRequest
from services.messaging.domain.recordings import Recording
from services.messaging.domain.templates import Template
from shared.db.tables import new_metadata

metadata, platform = new_metadata()
CALL_IN_FLIGHT = "channel = 'voice' AND status IN ('sending', 'accepted', 'ringing', 'in-progress')"
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
    Column("preferred_channel", String(12)),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("postal", Boolean, nullable=False, server_default=false()),
    Column("large_print", Boolean, nullable=False, server_default=false()),
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
    # Calls (decision 27): rings after one that was not answered, their delay in seconds,
    # whether <Say> may speak where no recording exists, the number voicemail gives.
    Column("call_retries", Integer),
    Column("call_retry_delay", Integer),
    Column("say_allowed", Boolean),
    Column("callback_number", String(20)),
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
    Column("channel", String(12), nullable=False, server_default="sms"),
    Column("answered_by", String(30)),  # a call's AnsweredBy
    Column("content_sid", String(64)),
    Column("content_variables", Text),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Index("ix_messages_status_priority", "status", "priority", "created_at"),
    Index("ix_messages_to_created_at", "to", "created_at"),
    # At most one call in flight per patient and per number (decision 27).
    *(
        Index(
            f"ux_messages_call_in_flight_{column.strip('_')}",
            column,
            unique=True,
            postgresql_where=text(CALL_IN_FLIGHT),
            sqlite_where=text(CALL_IN_FLIGHT),
        )
        for column in ("participant_id", "to")
    ),
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
    Column("channel", String(12), nullable=False, server_default="sms"),
    Column("reviewed_intent", String(20)),
    Column("reviewed_by", String(200)),
    Column("reviewed_at", DateTime(timezone=True)),
    Column("received_at", DateTime(timezone=True), nullable=False),
    Index("ix_inbound_messages_participant_trial", "participant_id", "trial_id"),
    Index("ix_inbound_messages_channel_from", "channel", "from_number"),
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

# A patient asked for a person to ring them (decision 28): one open task per patient and
# trial, enforced by a partial unique index.
callback_tasks = Table(
    "callback_tasks",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("participant_id", Uuid, nullable=False),
    Column("practice_ods", String(6), nullable=False),
    Column("trial_id", Uuid),
    Column("language", String(20), nullable=False),
    Column("interpreter_needed", Boolean, nullable=False),
    Column("sources", String(200), nullable=False),
    Column("requests", Integer, nullable=False),
    Column("reply_id", Uuid),
    Column("request_note", String(500)),
    Column("assigned_to", String(200)),
    Column("assigned_by", String(200)),
    Column("assigned_at", DateTime(timezone=True)),
    Column("outcome", String(30)),
    Column("outcome_note", String(500)),
    Column("closed_by", String(200)),
    Column("closed_at", DateTime(timezone=True)),
    Column("opened_at", DateTime(timezone=True), nullable=False),
    Column("last_requested_at", DateTime(timezone=True), nullable=False),
    Index("ix_callback_tasks_practice_opened", "practice_ods", "opened_at"),
    Index(
        "uq_callback_tasks_open",
        "participant_id",
        "trial_id",
        unique=True,
        postgresql_where=text("closed_at IS NULL"),
        sqlite_where=text("closed_at IS NULL"),
    ),
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

# What a call plays: per trial (or "default"), kind and language, versioned (decision 27).
recordings = Table(
    "recordings",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("scope", String(36), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("language", String(20), nullable=False),
    Column("version", Integer, nullable=False),
    Column("content_type", String(40), nullable=False),
    Column("audio", LargeBinary, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("reviewed", Boolean, nullable=False),
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

channel_tables = define(metadata)
whatsapp_templates, whatsapp_opt_ins, cascades, cascade_runs = channel_tables
# What only a letter has, beside its message (domain/letters.py); never the address.
letters = Table(
    "letters",
    metadata,
    Column("message_id", Uuid, primary_key=True),
    Column("batch_id", Uuid, nullable=False),
    Column("participant_id", Uuid, nullable=False),
    Column("trial_id", Uuid, nullable=False),
    Column("language", String(20), nullable=False),
    Column("large_print", Boolean, nullable=False),
    Column("link", String(500)),
    Column("short_link", String(200)),
    Column("code", String(10)),
    Column("link_requested_at", DateTime(timezone=True)),
    Column("printed_at", DateTime(timezone=True)),
    Column("posted_at", DateTime(timezone=True)),
    Column("print_reference", String(100)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    # The cascade step that made it (decision 30): one letter per run, step and try.
    Column("cascade_run_id", Uuid),
    Column("cascade_step", Integer),
    Column("cascade_attempt", Integer),
    Index("ix_letters_batch_id", "batch_id"),
    Index("ix_letters_participant_trial", "participant_id", "trial_id"),
    Index(
        "ux_letters_cascade_step",
        "cascade_run_id",
        "cascade_step",
        "cascade_attempt",
        unique=True,
    ),
)


@cache  # once a process: mapping a class twice is an error
def start_mappers() -> None:
    mapper_registry.map_imperatively(Contact, contacts)
    mapper_registry.map_imperatively(Message, messages)
    mapper_registry.map_imperatively(InboundMessage, inbound_messages)
    mapper_registry.map_imperatively(Suppression, suppressions)
    mapper_registry.map_imperatively(Template, templates)
    mapper_registry.map_imperatively(Batch, batches)
    mapper_registry.map_imperatively(OptInRequest, opt_in_requests)
    mapper_registry.map_imperatively(Recording, recordings)
    mapper_registry.map_imperatively(Letter, letters)
    mapper_registry.map_imperatively(CallbackTask, callback_tasks)
    map_channel_tables(mapper_registry, channel_tables)

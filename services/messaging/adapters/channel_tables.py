"""Tables of the WhatsApp channel and the trial cascades (decision 30), on orm's metadata."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import registry
from sqlalchemy.types import TypeDecorator

from services.messaging.domain.cascade import Cascade, CascadeRun, Step
from services.messaging.domain.whatsapp import WhatsAppOptIn, WhatsAppTemplate


class Steps(TypeDecorator[list[Step]]):
    """A cascade's steps as a JSON list of {channel, wait_hours, tries}."""

    impl = JSON
    cache_ok = True

    def process_bind_param(self, value: list[Step] | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        return [{"channel": s.channel, "wait_hours": s.wait_hours, "tries": s.tries} for s in value]

    def process_result_value(self, value: Any, dialect: Dialect) -> list[Step] | None:
        return None if value is None else [Step(**item) for item in value]


def define(metadata: MetaData) -> tuple[Table, Table, Table, Table]:
    whatsapp_templates = Table(
        "whatsapp_templates",
        metadata,
        Column("id", Uuid, primary_key=True),
        Column("kind", String(40), nullable=False),
        Column("language", String(20), nullable=False),
        Column("content_sid", String(64), nullable=False),
        Column("body", Text, nullable=False),
        Column("variables", JSON, nullable=False),
        Column("approval", String(12), nullable=False),
        Column("updated_by", String(200), nullable=False),
        Column("updated_at", DateTime(timezone=True), nullable=False),
        UniqueConstraint("kind", "language"),
    )
    whatsapp_opt_ins = Table(
        "whatsapp_opt_ins",
        metadata,
        Column("mobile", String(20), primary_key=True),
        Column("participant_id", Uuid, nullable=False),
        Column("agreed_at", DateTime(timezone=True), nullable=False),
        Column("how", String(20), nullable=False),
        Column("recorded_by", String(200), nullable=False),
        Column("note", String(500)),
        Column("recorded_at", DateTime(timezone=True), nullable=False),
    )
    cascades = Table(
        "cascades",
        metadata,
        Column("trial_id", Uuid, primary_key=True),
        Column("steps", Steps, nullable=False),
        Column("updated_by", String(200), nullable=False),
        Column("updated_at", DateTime(timezone=True), nullable=False),
    )
    cascade_runs = Table(
        "cascade_runs",
        metadata,
        Column("id", Uuid, primary_key=True),
        Column("participant_id", Uuid, nullable=False),
        Column("trial_id", Uuid, nullable=False),
        Column("channel", String(12), nullable=False),
        Column("message_id", Uuid, nullable=False),
        Column("step", Integer, nullable=False),
        Column("tries", Integer, nullable=False),
        Column("tried", String(60), nullable=False),
        Column("state", String(12), nullable=False, index=True),
        Column("next_at", DateTime(timezone=True)),
        Column("started_at", DateTime(timezone=True), nullable=False),
        Column("updated_at", DateTime(timezone=True), nullable=False),
        UniqueConstraint("participant_id", "trial_id"),
    )
    return whatsapp_templates, whatsapp_opt_ins, cascades, cascade_runs


def map_channel_tables(
    mapper_registry: registry, tables: tuple[Table, Table, Table, Table]
) -> None:
    templates, opt_ins, cascades, runs = tables
    mapper_registry.map_imperatively(WhatsAppTemplate, templates)
    mapper_registry.map_imperatively(WhatsAppOptIn, opt_ins)
    mapper_registry.map_imperatively(Cascade, cascades)
    mapper_registry.map_imperatively(CascadeRun, runs)

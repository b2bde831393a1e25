"""Consent tables, mapped imperatively onto the domain's dataclasses."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Index,
    Integer,
    String,
    Table,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import registry

from services.consent.domain.audit import AuditEntry
from services.consent.domain.lifecycle import ConsentRecord
from services.consent.domain.participant import ParticipantBands
from shared.db.tables import new_metadata

metadata, platform = new_metadata()
mapper_registry = registry(metadata=metadata)

participants = Table(
    "participants",
    metadata,
    Column("participant_id", Uuid, primary_key=True),
    Column("practice_ods", String(6), nullable=False),
    Column("language", String(20), nullable=False),
    Column("sex", String(20)),
    Column("age_band", String(10)),
    Column("ethnic_category", String(2)),
    Column("imd_decile", Integer),
    Column("imd_edition", Integer),
    Column("dob_hash", String(64)),
    Column("erased", Boolean, nullable=False),
)

trials = Table(
    "trials",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("short_name", String(40), nullable=False),
    Column("title", String(300), nullable=False),
    Column("response_deadline_days", Integer),
)

consent_records = Table(
    "consent_records",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("participant_id", Uuid, nullable=False),
    Column("trial_id", Uuid, nullable=False),
    Column("status", String(30)),
    Column("form_version", Integer),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("last_seq", Integer, nullable=False),
    Column("last_hash", String(64), nullable=False),
    UniqueConstraint("participant_id", "trial_id"),
    Index("ix_consent_records_trial_status", "trial_id", "status"),
)

audit_entries = Table(
    "audit_entries",
    metadata,
    # No foreign key: the chain itself proves integrity, and entries are written in order.
    Column("record_id", Uuid, primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("action", String(40), nullable=False),
    Column("from_status", String(30)),
    Column("to_status", String(30), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("channel", String(20), nullable=False),
    Column("form_version", Integer),
    Column("form_hash", String(64)),
    Column("reason", String(500)),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
)

_mapped = False


def start_mappers() -> None:
    global _mapped
    if _mapped:
        return
    mapper_registry.map_imperatively(ParticipantBands, participants)
    mapper_registry.map_imperatively(ConsentRecord, consent_records)
    mapper_registry.map_imperatively(AuditEntry, audit_entries)
    _mapped = True

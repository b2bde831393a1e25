"""Registry tables, mapped imperatively onto the domain's dataclasses."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Uuid,
)
from sqlalchemy.orm import registry

from services.registry.domain.model import (
    Participant,
    Practice,
    Trial,
    TrialStatus,
)
from shared.db.tables import new_metadata

metadata, platform = new_metadata()
mapper_registry = registry(metadata=metadata)

practices = Table(
    "practices",
    metadata,
    Column("ods_code", String(6), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("timezone", String(64), nullable=False),
)

participants = Table(
    "participants",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("practice_ods", ForeignKey("practices.ods_code"), nullable=False),
    Column("nhs_number", String(10), nullable=False, unique=True),
    Column("given_name", String(200), nullable=False),
    Column("family_name", String(200), nullable=False),
    Column("date_of_birth", Date, nullable=False),
    Column("sex", String(20)),
    Column("mobile", String(20)),
    Column("textable", Boolean, nullable=False),
    Column("language", String(20), nullable=False),
    Column("interpreter_needed", Boolean, nullable=False),
    Column("ethnic_category", String(2)),
    Column("imd_decile", Integer),
    Column("imd_edition", Integer),
    Column("opted_out", Boolean, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Index("ix_participants_practice_id", "practice_ods", "id"),
)

trials = Table(
    "trials",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("short_name", String(40), nullable=False, unique=True),
    Column("title", String(300), nullable=False),
    Column("sponsor", String(200), nullable=False),
    Column("response_deadline_days", Integer),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

trial_statuses = Table(
    "trial_statuses",
    metadata,
    Column("participant_id", ForeignKey("participants.id", ondelete="CASCADE"), primary_key=True),
    Column("trial_id", ForeignKey("trials.id"), primary_key=True),
    Column("status", String(30), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

invitation_batches = Table(
    "invitation_batches",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("trial_id", ForeignKey("trials.id"), nullable=False),
    Column("practice_ods", ForeignKey("practices.ods_code"), nullable=False),
    Column("requested_by", String(200), nullable=False),
    Column("requested_at", DateTime(timezone=True), nullable=False),
    Column("size", Integer, nullable=False),
)

_mapped = False


def start_mappers() -> None:
    global _mapped
    if _mapped:
        return
    mapper_registry.map_imperatively(Practice, practices)
    mapper_registry.map_imperatively(Participant, participants)
    mapper_registry.map_imperatively(Trial, trials)
    mapper_registry.map_imperatively(TrialStatus, trial_statuses)
    _mapped = True

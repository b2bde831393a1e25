"""Registry tables, mapped imperatively onto the domain's dataclasses."""

from __future__ import annotations

from functools import cache

from sqlalchemy import (
    JSON,
    BigInteger,
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
    false,
)
from sqlalchemy.orm import registry

from services.registry.domain.cohorts import Cohort
from services.registry.domain.imports import ImportJob
from services.registry.domain.model import (
    Participant,
    Practice,
    Trial,
    TrialSettingChange,
    TrialStatus,
)
from shared.db.tables import BigId, new_metadata

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
    Column("preferred_channel", String(12)),
    Column("opted_out", Boolean, nullable=False),
    Column("address_line_1", String(100)),
    Column("address_line_2", String(100)),
    Column("address_line_3", String(100)),
    Column("town", String(60)),
    Column("postcode", String(8)),
    Column("large_print", Boolean, nullable=False, server_default=false()),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("shared_at", DateTime(timezone=True)),
    Index("ix_participants_practice_id", "practice_ods", "id"),
    # Cohort previews read only these columns of one practice: on PostgreSQL an
    # index-only scan answers them without touching the table.
    Index(
        "ix_participants_cohort",
        "practice_ods",
        "date_of_birth",
        postgresql_include=[
            "id",
            "opted_out",
            "textable",
            "sex",
            "ethnic_category",
            "imd_decile",
            "language",
        ],
    ),
)

trials = Table(
    "trials",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("short_name", String(40), nullable=False, unique=True),
    Column("title", String(300), nullable=False),
    Column("sponsor", String(200), nullable=False),
    Column("response_deadline_days", Integer),
    Column("languages", JSON, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("minimum_age", Integer, nullable=False, server_default="18"),
)

# Every change to a trial's settings (the minimum age): who, when, why, from what to what.
trial_setting_changes = Table(
    "trial_setting_changes",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("trial_id", ForeignKey("trials.id"), nullable=False),
    Column("setting", String(40), nullable=False),
    Column("old_value", String(200), nullable=False),
    Column("new_value", String(200), nullable=False),
    Column("changed_by", String(200), nullable=False),
    Column("reason", String(500), nullable=False),
    Column("changed_at", DateTime(timezone=True), nullable=False),
    Index("ix_trial_setting_changes_trial_id_changed_at", "trial_id", "changed_at"),
)

trial_statuses = Table(
    "trial_statuses",
    metadata,
    Column("participant_id", ForeignKey("participants.id", ondelete="CASCADE"), primary_key=True),
    Column("trial_id", ForeignKey("trials.id"), primary_key=True),
    Column("status", String(30), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Index("ix_trial_statuses_trial_id_status", "trial_id", "status"),
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

# Patients erased at their request, by keyed hash of NHS number, so that the next import
# of the practice's list does not bring them back.
erasures = Table(
    "erasures",
    metadata,
    Column("nhs_hash", String(64), primary_key=True),
    Column("erased_at", DateTime(timezone=True), nullable=False),
)

imports = Table(
    "imports",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("practice_ods", ForeignKey("practices.ods_code"), nullable=False),
    Column("format", String(10), nullable=False),
    Column("dry_run", Boolean, nullable=False),
    Column("requested_by", String(200), nullable=False),
    Column("filename", String(255)),
    Column("ignored_columns", JSON, nullable=False),
    Column("status", String(10), nullable=False),
    Column("rows_total", Integer, nullable=False),
    Column("rows_read", Integer, nullable=False),
    Column("created", Integer, nullable=False),
    Column("updated", Integer, nullable=False),
    Column("unchanged", Integer, nullable=False),
    Column("rejected", Integer, nullable=False),
    Column("duplicates", Integer, nullable=False),
    Column("noted", Integer, nullable=False, server_default="0"),
    Column("problem", String(500)),
    Column("requested_at", DateTime(timezone=True), nullable=False),
    Column("heartbeat_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True)),
    Index("ix_imports_practice_ods_requested_at", "practice_ods", "requested_at"),
)

# One row per problem in an import, or note on a row it imported, in file order; read
# back as the report CSV.
import_errors = Table(
    "import_errors",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("import_id", ForeignKey("imports.id", ondelete="CASCADE"), nullable=False),
    Column("line", BigInteger, nullable=False),
    Column("column", String(200), nullable=False),
    Column("reason", String(500), nullable=False),
    Column("kind", String(5), nullable=False, server_default="error"),  # error or note
    Index("ix_import_errors_import_id_line", "import_id", "line"),
)

cohorts = Table(
    "cohorts",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("trial_id", ForeignKey("trials.id"), nullable=False),
    Column("practice_ods", ForeignKey("practices.ods_code"), nullable=False),
    Column("name", String(200), nullable=False),
    Column("criteria", JSON, nullable=False),
    Column("created_by", String(200), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("frozen_at", DateTime(timezone=True)),
    Column("batch_id", Uuid),
    Column("size", Integer),
    Index("ix_cohorts_practice_ods_trial_id", "practice_ods", "trial_id"),
)

# Who a cohort invited, frozen when the invitations were requested.
cohort_members = Table(
    "cohort_members",
    metadata,
    Column("cohort_id", ForeignKey("cohorts.id", ondelete="CASCADE"), primary_key=True),
    Column("participant_id", ForeignKey("participants.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_cohort_members_participant_id", "participant_id"),
)


@cache  # once a process: mapping a class twice is an error
def start_mappers() -> None:
    mapper_registry.map_imperatively(Practice, practices)
    mapper_registry.map_imperatively(Participant, participants)
    mapper_registry.map_imperatively(Trial, trials)
    mapper_registry.map_imperatively(TrialStatus, trial_statuses)
    mapper_registry.map_imperatively(TrialSettingChange, trial_setting_changes)
    mapper_registry.map_imperatively(ImportJob, imports)
    mapper_registry.map_imperatively(Cohort, cohorts)

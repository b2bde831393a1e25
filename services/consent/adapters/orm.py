"""Consent tables, mapped imperatively onto the domain's dataclasses."""

from __future__ import annotations

from functools import cache

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import registry

from services.consent.domain.audit import AuditEntry
from services.consent.domain.confirmation import Attestation
from services.consent.domain.lifecycle import ConsentRecord
from services.consent.domain.links import ConsentLink
from services.consent.domain.participant import ParticipantBands
from services.consent.domain.responses import ConsentResponse
from services.consent.domain.signatures import CopyLink, Signature
from services.consent.domain.understanding import UnderstandingAnswer
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
    # "dob" or "dob_and_code" (services.consent.domain.links.IDENTITY_CHECKS)
    Column("identity_check", String(20), nullable=False, server_default="dob"),
    # "none", "typed", "drawn" or "drawn_or_typed" (services.consent.domain.signatures.MODES)
    Column("signature", String(20), nullable=False, server_default="none"),
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
    Column("practice_ods", String(6)),
    Column("study_number", String(40)),
    UniqueConstraint("participant_id", "trial_id"),
    UniqueConstraint("trial_id", "study_number"),
    Index("ix_consent_records_trial_status", "trial_id", "status"),
    Index("ix_consent_records_trial_participant", "trial_id", "participant_id"),
)

# The last study number given in each trial: one row per trial, bumped in the transaction
# that creates the record.
study_sequences = Table(
    "study_sequences",
    metadata,
    Column("trial_id", Uuid, primary_key=True),
    Column("last_number", BigInteger, nullable=False),
)

# The registry's aggregate counts per band value of a practice's list ("" trial) or of a
# trial's eligible cohort at a practice: the equity report's other two populations.
population_counts = Table(
    "population_counts",
    metadata,
    Column("population", String(20), primary_key=True),
    Column("practice_ods", String(6), primary_key=True),
    Column("trial_key", String(36), primary_key=True),  # the trial id, or "" for a list
    Column("band", String(20), primary_key=True),
    Column("value", String(20), primary_key=True),
    Column("n", BigInteger, nullable=False),
    Column("counted_at", DateTime(timezone=True), nullable=False),
)

# Published rows never change: the repository updates drafts only, and the hash shows it.
consent_forms = Table(
    "consent_forms",
    metadata,
    Column("trial_id", Uuid, primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("status", String(20), nullable=False),
    Column("items", JSON, nullable=False),
    Column("translations", JSON, nullable=False),
    Column("requires_reconsent", Boolean, nullable=False),
    Column("content_hash", String(64)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("published_at", DateTime(timezone=True)),
    Column("ethics_reference", String(100)),
    Column("questions", JSON),  # understanding questions; NULL for forms without
)

consent_links = Table(
    "consent_links",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("participant_id", Uuid, nullable=False),
    Column("trial_id", Uuid, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True)),
    Column("dob_failures", Integer, nullable=False),
    Column("locked_until", DateTime(timezone=True)),
    Column("code_hash", String(64)),
    Column("code_expires_at", DateTime(timezone=True)),
    Index("ix_consent_links_participant_trial", "participant_id", "trial_id"),
)

consent_responses = Table(
    "consent_responses",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("record_id", Uuid, nullable=False, index=True),
    Column("participant_id", Uuid, nullable=False),
    Column("trial_id", Uuid, nullable=False),
    Column("form_version", Integer, nullable=False),
    Column("form_hash", String(64), nullable=False),
    Column("language", String(20), nullable=False),
    Column("decision", String(20), nullable=False),
    Column("items", JSON, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
)

# Every answer to a form's understanding questions, right or wrong, kept with the record.
understanding_answers = Table(
    "understanding_answers",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("record_id", Uuid, nullable=False),
    Column("form_version", Integer, nullable=False),
    Column("question_key", String(40), nullable=False),
    Column("answer", String(40), nullable=False),
    Column("correct", Boolean, nullable=False),
    Column("language", String(20), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Index("ix_understanding_answers_record", "record_id", "form_version"),
)

# Kept in the same transaction as every status change, so a trial's summary is a few rows
# whatever the number of records.
status_counts = Table(
    "status_counts",
    metadata,
    Column("trial_id", Uuid, primary_key=True),
    Column("practice_ods", String(6), primary_key=True),  # "" when not known
    Column("status", String(30), primary_key=True),
    Column("n", BigInteger, nullable=False),
)

# Which channels an invitation went out on for each patient and trial, and whether it was
# delivered there (messaging.message.status_changed; shared.channel_reach). No contact
# details: only the channel's name. Keyed by participant, so a status that arrives before
# its consent record still counts.
channel_contacts = Table(
    "channel_contacts",
    metadata,
    Column("trial_id", Uuid, primary_key=True),
    Column("participant_id", Uuid, primary_key=True),
    Column("channel", String(20), primary_key=True),
    Column("delivered", Boolean, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Index("ix_channel_contacts_participant", "participant_id"),  # erasure finds them
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
    Column("signature_hash", String(64)),
)

# A patient's signature: the drawing's path data or the typed name, with its salted hash
# (the hash alone is in the audit chain). Erasure deletes the row; the chain still verifies.
signatures = Table(
    "signatures",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("record_id", Uuid, nullable=False, index=True),
    Column("trial_id", Uuid, nullable=False),
    Column("response_id", Uuid, nullable=False),
    Column("form_version", Integer, nullable=False),
    Column("kind", String(10), nullable=False),
    Column("typed_name", String(120)),
    Column("drawing", Text),
    Column("salt", String(32), nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("signed_at", DateTime(timezone=True), nullable=False),
)

# Short-lived links to one signed copy, texted in the confirmation.
copy_links = Table(
    "copy_links",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("signature_id", Uuid, nullable=True),  # None: the trial asked for no signature
    Column("record_id", Uuid, nullable=False),
    Column("response_id", Uuid, nullable=True),  # the agreement the copy shows (0009)
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
)

# Decision 0032: whether a trial (form_version 0) or one version of its form asks for the
# research team's confirmation; and what the team attested (names kept here, hashes in the
# audit chain).
confirmation_settings = Table(
    "confirmation_settings",
    metadata,
    Column("trial_id", Uuid, primary_key=True),
    Column("form_version", Integer, primary_key=True),
    Column("required", Boolean, nullable=False),
    Column("changed_at", DateTime(timezone=True), nullable=False),
)

consent_attestations = Table(
    "consent_attestations",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("record_id", Uuid, nullable=False, index=True),
    Column("trial_id", Uuid, nullable=False),
    Column("kind", String(30), nullable=False),
    Column("details", JSON, nullable=False),
    Column("actor", String(200), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("hash", String(64), nullable=False),
)


@cache  # once a process: mapping a class twice is an error
def start_mappers() -> None:
    mapper_registry.map_imperatively(ParticipantBands, participants)
    mapper_registry.map_imperatively(ConsentRecord, consent_records)
    mapper_registry.map_imperatively(AuditEntry, audit_entries)
    mapper_registry.map_imperatively(ConsentLink, consent_links)
    mapper_registry.map_imperatively(ConsentResponse, consent_responses)
    mapper_registry.map_imperatively(Signature, signatures)
    mapper_registry.map_imperatively(CopyLink, copy_links)
    mapper_registry.map_imperatively(UnderstandingAnswer, understanding_answers)
    mapper_registry.map_imperatively(Attestation, consent_attestations)

"""Consent's HTTP contract for coordinators: pseudonyms and bands, never contact details."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from services.consent.domain.lifecycle import STATUSES
from shared.http.fields import UtcDateTime


class BandsOut(Schema):
    practice_ods = fields.String()
    language = fields.String()
    sex = fields.String(allow_none=True)
    age_band = fields.String(allow_none=True)
    ethnic_category = fields.String(allow_none=True)
    imd_decile = fields.Integer(allow_none=True)


class AuditEntryOut(Schema):
    seq = fields.Integer()
    at = UtcDateTime()
    action = fields.String()
    from_status = fields.String(allow_none=True)
    to_status = fields.String()
    actor = fields.String()
    channel = fields.String()
    form_version = fields.Integer(allow_none=True)
    form_hash = fields.String(allow_none=True)
    reason = fields.String(allow_none=True)
    hash = fields.String()


class RecordOut(Schema):
    participant_id = fields.UUID()
    trial_id = fields.UUID()
    status = fields.String()
    form_version = fields.Integer(allow_none=True)
    updated_at = UtcDateTime()


class RecordDetailOut(RecordOut):
    participant = fields.Nested(BandsOut, allow_none=True)
    history = fields.List(fields.Nested(AuditEntryOut))
    audit_chain_intact = fields.Boolean()
    audit_chain_broken_at = fields.Integer(allow_none=True)


class RecordPage(Schema):
    items = fields.List(fields.Nested(RecordOut))
    next_cursor = fields.String(allow_none=True)


class RecordQuery(Schema):
    status = fields.String(load_default=None, validate=validate.OneOf(STATUSES))
    cursor = fields.UUID(load_default=None)
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))


class SummaryOut(Schema):
    trial_id = fields.UUID()
    counts = fields.Dict(keys=fields.String(), values=fields.Integer())
    total = fields.Integer()

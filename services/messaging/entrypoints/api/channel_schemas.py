"""Schemas of the WhatsApp templates, opt-ins and trial cascades (decision 30)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from services.messaging.domain.cascade import MAX_STEPS, MAX_TRIES, MAX_WAIT_HOURS
from services.messaging.domain.channels import CHANNELS
from services.messaging.domain.whatsapp import APPROVALS, OPT_IN_WAYS, VARIABLE_NAMES


class WhatsAppTemplateIn(Schema):
    content_sid = fields.String(required=True, validate=validate.Length(max=64))
    body = fields.String(required=True, validate=validate.Length(min=1, max=1600))
    variables = fields.List(
        fields.String(validate=validate.OneOf(VARIABLE_NAMES)),
        load_default=list,
        validate=validate.Length(max=len(VARIABLE_NAMES)),
    )
    approval = fields.String(required=True, validate=validate.OneOf(APPROVALS))


class WhatsAppTemplateOut(Schema):
    id = fields.UUID()
    kind = fields.String()
    language = fields.String()
    content_sid = fields.String()
    body = fields.String()
    variables = fields.List(fields.String())
    approval = fields.String()
    updated_by = fields.String()
    updated_at = fields.AwareDateTime()


class OptInIn(Schema):
    how = fields.String(required=True, validate=validate.OneOf(OPT_IN_WAYS))
    agreed_at = fields.AwareDateTime(load_default=None)
    note = fields.String(load_default=None, validate=validate.Length(max=500))


class OptInOut(Schema):
    participant_id = fields.UUID()
    agreed_at = fields.AwareDateTime()
    how = fields.String()
    recorded_by = fields.String()
    note = fields.String(allow_none=True)
    recorded_at = fields.AwareDateTime()


class StepSchema(Schema):
    channel = fields.String(required=True, validate=validate.OneOf(CHANNELS))
    wait_hours = fields.Integer(
        load_default=7 * 24, validate=validate.Range(min=1, max=MAX_WAIT_HOURS)
    )
    tries = fields.Integer(load_default=1, validate=validate.Range(min=1, max=MAX_TRIES))


class CascadeIn(Schema):
    steps = fields.List(
        fields.Nested(StepSchema), required=True, validate=validate.Length(min=1, max=MAX_STEPS)
    )


class CascadeOut(Schema):
    trial_id = fields.UUID()
    steps = fields.List(fields.Nested(StepSchema))
    updated_by = fields.String(allow_none=True)
    updated_at = fields.AwareDateTime(allow_none=True)
    runs = fields.Dict(keys=fields.String(), values=fields.Integer())

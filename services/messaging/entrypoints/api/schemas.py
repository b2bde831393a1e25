"""Messaging's HTTP contract: Twilio's webhook forms and the staff views."""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, validate

from shared.http.fields import UtcDateTime


class TwilioForm(Schema):
    class Meta:
        unknown = EXCLUDE  # Twilio sends many more fields than we use


class StatusCallbackForm(TwilioForm):
    MessageSid = fields.String(required=True, validate=validate.Length(min=2, max=64))
    MessageStatus = fields.String(required=True, validate=validate.Length(max=20))
    ErrorCode = fields.String(load_default=None, validate=validate.Length(max=20))


class InboundForm(TwilioForm):
    MessageSid = fields.String(required=True, validate=validate.Length(min=2, max=64))
    From = fields.String(required=True, validate=validate.Length(min=3, max=30))
    To = fields.String(required=True, validate=validate.Length(min=3, max=30))
    Body = fields.String(load_default="", validate=validate.Length(max=1600))


class MessageOut(Schema):
    id = fields.UUID()
    kind = fields.String()
    trial_id = fields.UUID(allow_none=True)
    batch_id = fields.UUID(allow_none=True)
    status = fields.String()
    error = fields.String(allow_none=True)
    body = fields.String()
    attempts = fields.Integer()
    created_at = UtcDateTime()
    updated_at = UtcDateTime()

"""Twilio's voice webhook forms (decision 27): the call's TwiML request, the gather's
answer and the call's status callbacks."""

from __future__ import annotations

from marshmallow import fields, validate

from services.messaging.entrypoints.api.schemas import TwilioForm

SID = validate.Length(min=2, max=64)


class CallForm(TwilioForm):
    CallSid = fields.String(required=True, validate=SID)
    # human, machine_start, machine_end_beep, fax, unknown (MachineDetection on create)
    AnsweredBy = fields.String(load_default=None, validate=validate.Length(max=30))


class GatherForm(CallForm):
    Digits = fields.String(load_default=None, validate=validate.Length(max=10))
    SpeechResult = fields.String(load_default=None, validate=validate.Length(max=1600))
    From = fields.String(load_default="", validate=validate.Length(max=20))


class CallStatusForm(CallForm):
    CallStatus = fields.String(required=True, validate=validate.Length(max=20))
    CallDuration = fields.Integer(load_default=None)
    ErrorCode = fields.String(load_default=None, validate=validate.Length(max=20))

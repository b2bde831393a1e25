"""The HTTP contract of callback tasks (decision 28)."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from services.messaging.domain.callbacks import NOTE_LENGTH, OUTCOMES, SOURCES, STATES
from services.messaging.entrypoints.api.schemas import ConversationTextOut
from shared.events.contracts import ODS
from shared.http.fields import UtcDateTime


class CallbackQuery(Schema):
    practice_ods = fields.String(validate=ODS, metadata={"description": "one practice"})
    trial_id = fields.UUID(metadata={"description": "one trial"})
    state = fields.String(
        validate=validate.OneOf(STATES),
        metadata={"description": "unassigned, assigned (both open) or closed; default: open"},
    )


class CallbackOut(Schema):
    id = fields.UUID()
    participant_id = fields.UUID()
    practice_ods = fields.String()
    trial_id = fields.UUID(allow_none=True)
    trial_short_name = fields.String(allow_none=True)
    language = fields.String(metadata={"description": "the patient's (spoken) language"})
    interpreter_needed = fields.Boolean(
        metadata={"description": "spoken-only language, no texts in it, or the patient asked"}
    )
    sources = fields.List(
        fields.String(validate=validate.OneOf(SOURCES)),
        metadata={"description": "where each request came from, first one first"},
    )
    requests = fields.Integer(metadata={"description": "how many times the patient asked"})
    request_note = fields.String(allow_none=True)
    state = fields.String(validate=validate.OneOf(STATES))
    opened_at = UtcDateTime()
    last_requested_at = UtcDateTime()
    waited_seconds = fields.Integer(metadata={"description": "to the close, or to now if open"})
    assigned_to = fields.String(allow_none=True)
    assigned_by = fields.String(allow_none=True)
    assigned_at = UtcDateTime(allow_none=True)
    outcome = fields.String(allow_none=True, validate=validate.OneOf(OUTCOMES))
    outcome_note = fields.String(allow_none=True)
    closed_by = fields.String(allow_none=True)
    closed_at = UtcDateTime(allow_none=True)


class CallbackDetailOut(CallbackOut):
    conversation = fields.List(fields.Nested(ConversationTextOut))


class AssignIn(Schema):
    assign_to = fields.String(
        load_default=None,
        validate=validate.Length(min=1, max=200),
        metadata={"description": "a colleague's name; leave out to take it yourself"},
    )


class CloseIn(Schema):
    outcome = fields.String(required=True, validate=validate.OneOf(OUTCOMES))
    note = fields.String(load_default=None, validate=validate.Length(max=NOTE_LENGTH))


class WaitingQuery(Schema):
    since = fields.AwareDateTime(required=True, metadata={"description": "closed at or after"})
    until = fields.AwareDateTime(required=True, metadata={"description": "closed before"})
    practice_ods = fields.String(validate=ODS)
    trial_id = fields.UUID()

    @validates_schema
    def _a_period(self, data: dict[str, Any], **_: Any) -> None:
        if "since" in data and "until" in data and data["since"] >= data["until"]:
            raise ValidationError("Until must be after since", field_name="until")


class WaitingOut(Schema):
    since = UtcDateTime()
    until = UtcDateTime()
    closed = fields.Integer(metadata={"description": "callbacks closed in the period"})
    median_seconds = fields.Integer(allow_none=True)
    longest_seconds = fields.Integer(allow_none=True)

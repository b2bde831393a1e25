"""The registry's HTTP contract: request and response bodies."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from shared.events.contracts import ODS
from shared.http.fields import UtcDateTime


class PracticeIn(Schema):
    ods_code = fields.String(required=True, validate=ODS)
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))


class PracticeOut(Schema):
    ods_code = fields.String()
    name = fields.String()
    timezone = fields.String()


class TrialIn(Schema):
    short_name = fields.String(
        required=True,
        validate=validate.Regexp(
            r"^[A-Za-z0-9][A-Za-z0-9_-]{1,39}$", error="letters, digits, - or _"
        ),
    )
    title = fields.String(required=True, validate=validate.Length(min=1, max=300))
    sponsor = fields.String(required=True, validate=validate.Length(min=1, max=200))
    response_deadline_days = fields.Integer(
        load_default=None, allow_none=True, validate=validate.Range(min=1, max=365)
    )


class TrialOut(Schema):
    id = fields.UUID()
    short_name = fields.String()
    title = fields.String()
    sponsor = fields.String()
    response_deadline_days = fields.Integer(allow_none=True)


class ParticipantIn(Schema):
    practice_ods = fields.String(required=True, validate=ODS)
    nhs_number = fields.String(required=True, validate=validate.Length(max=20))
    given_name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    family_name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    date_of_birth = fields.String(required=True, validate=validate.Length(max=20))
    language = fields.String(load_default="en", validate=validate.Length(min=2, max=20))
    mobile = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=30))
    sex = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.OneOf(("female", "male", "other", "unknown")),
    )
    interpreter_needed = fields.Boolean(load_default=False)
    ethnic_category = fields.String(
        load_default=None, allow_none=True, validate=validate.Length(max=2)
    )
    imd_decile = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(1, 10))
    imd_edition = fields.Integer(
        load_default=None, allow_none=True, validate=validate.OneOf((2019, 2025))
    )


class TrialStatusOut(Schema):
    trial_id = fields.UUID()
    status = fields.String()
    updated_at = UtcDateTime()


class ParticipantOut(Schema):
    id = fields.UUID()
    practice_ods = fields.String()
    nhs_number = fields.String()
    given_name = fields.String()
    family_name = fields.String()
    date_of_birth = fields.Date()
    language = fields.String()
    mobile = fields.String(allow_none=True)
    textable = fields.Boolean()
    sex = fields.String(allow_none=True)
    interpreter_needed = fields.Boolean()
    ethnic_category = fields.String(allow_none=True)
    imd_decile = fields.Integer(allow_none=True)
    imd_edition = fields.Integer(allow_none=True)
    opted_out = fields.Boolean()
    trials = fields.List(fields.Nested(TrialStatusOut), dump_default=list)


class ParticipantPage(Schema):
    items = fields.List(fields.Nested(ParticipantOut))
    next_cursor = fields.String(allow_none=True)


class ParticipantQuery(Schema):
    practice_ods = fields.String(load_default=None, validate=ODS)
    cursor = fields.UUID(load_default=None)
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))


class InvitationRequestIn(Schema):
    practice_ods = fields.String(required=True, validate=ODS)
    participant_ids = fields.List(
        fields.UUID(), required=True, validate=validate.Length(min=1, max=50_000)
    )


class InvitationRequestOut(Schema):
    batch_id = fields.UUID()
    invited = fields.Integer()
    skipped = fields.Dict(keys=fields.String(), values=fields.String())

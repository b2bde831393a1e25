"""HTTP contract of the research team's confirmation and consent by phone (decision 0032).

Shapes only: what makes a discussion, a signature or a witness complete is the domain's
(services.consent.domain.confirmation), which names every missing field at once."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from services.consent.domain.confirmation import MODES, NAME_MAX, NOTE_MAX, RELATIONSHIPS
from services.consent.domain.responses import AGREED, DECLINED
from shared.http.fields import UtcDateTime

NAME = validate.Length(max=NAME_MAX)
VERSION = validate.Range(min=1, max=1_000_000)  # a database integer, whatever is sent


class SettingIn(Schema):
    required = fields.Boolean(required=True)
    # A version's own setting wins over the trial's; without it, the trial's is set.
    form_version = fields.Integer(load_default=None, validate=VERSION)


class SettingOut(Schema):
    trial_id = fields.UUID()
    form_version = fields.Integer(allow_none=True)
    required = fields.Boolean()


class SettingsOut(Schema):
    trial_id = fields.UUID()
    required = fields.Boolean()  # the trial's own setting
    form_versions = fields.Dict(keys=fields.String(), values=fields.Boolean())  # which win


class DiscussionIn(Schema):
    mode = fields.String(load_default=None, validate=validate.OneOf(MODES))
    researcher_name = fields.String(load_default=None, validate=NAME)
    interpreter_language = fields.String(load_default=None, validate=validate.Length(max=20))
    interpreter_name = fields.String(load_default=None, validate=NAME)
    questions_answered = fields.Boolean(load_default=False)
    questions = fields.String(load_default=None, validate=validate.Length(max=NOTE_MAX))
    patient_can_read = fields.Boolean(
        load_default=None,
        allow_none=True,
        metadata={"description": "whether the patient reads the form; false: a witness signs"},
    )


class CountersignatureIn(Schema):
    researcher_name = fields.String(load_default=None, validate=NAME)
    signature_typed = fields.String(load_default=None, validate=NAME)
    signature_ticked = fields.Boolean(load_default=False)


class WitnessIn(Schema):
    witness_name = fields.String(load_default=None, validate=NAME)
    witness_signature_typed = fields.String(load_default=None, validate=NAME)
    witness_signature_ticked = fields.Boolean(load_default=False)
    impartial = fields.Boolean(load_default=False)
    read_by = fields.String(load_default=None, validate=NAME)
    read_at = UtcDateTime(load_default=None)
    form_version = fields.Integer(load_default=None, validate=VERSION)


class RepresentativeIn(Schema):
    representative_name = fields.String(load_default=None, validate=NAME)
    relationship = fields.String(load_default=None, validate=validate.OneOf(RELATIONSHIPS))
    representative_signature_typed = fields.String(load_default=None, validate=NAME)
    representative_signature_ticked = fields.Boolean(load_default=False)


class PhoneConsentIn(Schema):
    study_number = fields.String(load_default=None, validate=validate.Length(max=40))
    participant_id = fields.UUID(load_default=None)
    form_version = fields.Integer(required=True, validate=VERSION)
    language = fields.String(required=True, validate=validate.Length(min=2, max=20))
    decision = fields.String(required=True, validate=validate.OneOf((AGREED, DECLINED)))
    # Each item's key and the patient's answer (said yes: true)
    answers = fields.Dict(keys=fields.String(), values=fields.Boolean(), load_default=dict)
    researcher_name = fields.String(load_default=None, validate=NAME)
    witness_name = fields.String(load_default=None, validate=NAME)
    witness_confirms = fields.Boolean(load_default=False)
    read_out = fields.Boolean(load_default=False)
    patient_can_read = fields.Boolean(load_default=None, allow_none=True)
    # Needed where the patient may not read the form (decision 0032)
    witness_signature_typed = fields.String(load_default=None, validate=NAME)
    witness_signature_ticked = fields.Boolean(load_default=False)


class AttestationOut(Schema):
    id = fields.UUID()
    kind = fields.String()
    details = fields.Dict(keys=fields.String())
    actor = fields.String()
    at = UtcDateTime()
    hash = fields.String()


class CheckedAttestationOut(AttestationOut):
    # Its content still hashes to the entry on the record's audit chain
    verified = fields.Boolean()


class AttestationList(Schema):
    study_number = fields.String()
    items = fields.List(fields.Nested(CheckedAttestationOut))

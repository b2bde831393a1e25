"""The one HTTP contract between two services: messaging asks the registry for the names and
postal addresses of the letters it is rendering (decision 0029). Both sides use these schemas."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from shared.events.contracts import ODS

PATH = "/internal/letter-recipients"
MAX_PER_REQUEST = 1000


class LetterRecipientsIn(Schema):
    participant_ids = fields.List(
        fields.UUID(), required=True, validate=validate.Length(min=1, max=MAX_PER_REQUEST)
    )


class LetterRecipient(Schema):
    participant_id = fields.UUID(required=True)
    name = fields.String(required=True)
    address_lines = fields.List(fields.String(), required=True)
    large_print = fields.Boolean(required=True)
    practice_ods = fields.String(required=True, validate=ODS)
    practice_name = fields.String(required=True)


class LetterRecipientsOut(Schema):
    recipients = fields.List(fields.Nested(LetterRecipient), required=True)

"""API tokens as admins see them: holder, role, scopes and dates, never the hash."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from services.registry.service_layer.tokens import MAX_VALID_DAYS
from shared.auth.principal import ROLE_NAMES, TRIAL_SCOPED
from shared.events.contracts import ODS
from shared.http.fields import UtcDateTime


class TokenIn(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    role = fields.String(required=True, validate=validate.OneOf(ROLE_NAMES))
    practices = fields.List(fields.String(validate=ODS), load_default=list)
    trials = fields.List(fields.UUID(), load_default=list)
    valid_days = fields.Integer(
        load_default=365, validate=validate.Range(min=1, max=MAX_VALID_DAYS)
    )

    @validates_schema
    def scoped(self, data: dict[str, Any], **_: Any) -> None:
        if data["role"] == "staff" and not data["practices"]:
            raise ValidationError("a staff token needs at least one practice", "practices")
        if data["role"] in TRIAL_SCOPED and not data["trials"]:
            raise ValidationError(f"a {data['role']} token needs at least one trial", "trials")


class TokenOut(Schema):
    id = fields.UUID()
    name = fields.String()
    role = fields.String()
    practices = fields.List(fields.String())
    trials = fields.List(fields.UUID())
    created_at = UtcDateTime()
    expires_at = UtcDateTime(allow_none=True)
    revoked_at = UtcDateTime(allow_none=True)


class IssuedTokenOut(TokenOut):
    token = fields.String(metadata={"description": "Shown this once; only its hash is kept"})

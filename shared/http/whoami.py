"""GET /whoami: the caller's own role and scopes, so a client can show only what they may use."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint
from marshmallow import Schema, fields

from shared.auth.principal import ROLE_NAMES
from shared.http.auth import current_principal, require

blp = Blueprint("whoami", __name__, description="The caller's own token")


class WhoAmIOut(Schema):
    name = fields.String(required=True, metadata={"description": "Who holds the token"})
    role = fields.String(required=True, metadata={"enum": list(ROLE_NAMES)})
    practices = fields.List(fields.String(), required=True, metadata={"description": "ODS codes"})
    trials = fields.List(fields.UUID(), required=True)


@blp.get("/whoami")  # type: ignore[untyped-decorator]  # flask-smorest ships no types
@require(*ROLE_NAMES)
@blp.response(200, WhoAmIOut)  # type: ignore[untyped-decorator]
def whoami() -> Any:
    principal = current_principal()
    return {
        "name": principal.name,
        "role": principal.role,
        "practices": sorted(principal.practices),
        "trials": sorted(principal.trials),
    }

"""API tokens: admins issue, list and revoke them (the command line does the same)."""

from __future__ import annotations

import uuid
from typing import Any

from flask_smorest import Blueprint

from services.registry.entrypoints.api.token_schemas import IssuedTokenOut, TokenIn, TokenOut
from services.registry.entrypoints.context import unit_of_work
from services.registry.service_layer import tokens
from shared.http.auth import require

blp = Blueprint("tokens", __name__, url_prefix="/tokens", description="API tokens")


@blp.get("")
@require("admin")
@blp.response(200, TokenOut(many=True))
def list_() -> Any:
    return tokens.tokens(unit_of_work())


@blp.post("")
@require("admin")
@blp.arguments(TokenIn)
@blp.response(201, IssuedTokenOut)
def issue(body: dict[str, Any]) -> Any:
    return tokens.issue_token(
        unit_of_work(),
        body["name"],
        body["role"],
        body["practices"],
        body["trials"],
        body["valid_days"],
    )


@blp.delete("/<uuid:token_id>")
@require("admin")
@blp.response(200, TokenOut)
def revoke(token_id: uuid.UUID) -> Any:
    return tokens.revoke(unit_of_work(), token_id)

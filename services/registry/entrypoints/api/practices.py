"""Practices: admins create them; staff see their own."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from services.registry.entrypoints.api.schemas import PracticeIn, PracticeOut
from services.registry.entrypoints.context import unit_of_work
from services.registry.service_layer import practices
from shared.http.auth import current_principal, require

blp = Blueprint("practices", __name__, url_prefix="/practices", description="GP practices")


@blp.post("")
@require("admin")
@blp.arguments(PracticeIn)
@blp.response(201, PracticeOut)
def create(body: dict[str, Any]) -> Any:
    return practices.create_practice(
        unit_of_work(), body["ods_code"], body["name"], body["timezone"]
    )


@blp.get("")
@require("staff", "admin")
@blp.response(200, PracticeOut(many=True))
def list_() -> Any:
    return practices.visible_practices(unit_of_work(), current_principal())


@blp.get("/<ods_code>")
@require("staff", "admin")
@blp.response(200, PracticeOut)
def read(ods_code: str) -> Any:
    return practices.get_practice(unit_of_work(), current_principal(), ods_code)

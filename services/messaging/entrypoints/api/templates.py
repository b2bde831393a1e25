"""Message templates, for admins: list, save a new version, mark one reviewed."""

from __future__ import annotations

import uuid
from typing import Any

from flask_smorest import Blueprint

from services.messaging.entrypoints.api.schemas import (
    NoteIn,
    TemplateIn,
    TemplateOut,
    TemplateQuery,
)
from services.messaging.entrypoints.context import unit_of_work
from services.messaging.service_layer import templates
from shared.http.auth import current_principal, require

blp = Blueprint("templates", __name__, url_prefix="/templates", description="Templates")


@blp.get("")
@require("admin")
@blp.arguments(TemplateQuery, location="query")
@blp.response(200, TemplateOut(many=True))
def list_templates(query: dict[str, Any]) -> Any:
    return templates.list_templates(
        unit_of_work(), query["trial_id"], query["kind"], query["language"], query["shipped"]
    )


@blp.post("")
@require("admin")
@blp.arguments(TemplateIn)
@blp.response(201, TemplateOut)
def save_template(body: dict[str, Any]) -> Any:
    """A new version; placeholders are checked now, so a typo is a 422 naming the field."""
    return templates.save_template(
        unit_of_work(),
        current_principal().name,
        body["trial_id"],
        body["kind"],
        body["language"],
        body["body"],
        body["reply_with"],
    )


@blp.post("/<uuid:template_id>/review")
@require("admin")
@blp.arguments(NoteIn)
@blp.response(200, TemplateOut)
def review(_: dict[str, Any], template_id: uuid.UUID) -> Any:
    return templates.review_template(unit_of_work(), current_principal().name, template_id)

"""Consent forms: admins write drafts and publish them; coordinators read their trials' forms."""

from __future__ import annotations

import uuid
from typing import Any

from flask_smorest import Blueprint

from services.consent.entrypoints.api.schemas import (
    FormIn,
    FormOut,
    PublishedOut,
    PublishIn,
    QuestionEditIn,
)
from services.consent.entrypoints.context import unit_of_work
from services.consent.service_layer import form_questions, forms
from shared.http.auth import current_principal, require

blp = Blueprint("forms", __name__, url_prefix="/trials", description="Consent forms")


@blp.post("/<uuid:trial_id>/forms")
@require("admin")
@blp.arguments(FormIn)
@blp.response(201, FormOut)
def create_draft(body: dict[str, Any], trial_id: uuid.UUID) -> Any:
    return forms.create_draft(unit_of_work(), current_principal(), trial_id, body)


@blp.get("/<uuid:trial_id>/forms")
@require("coordinator", "researcher", "admin")
@blp.response(200, FormOut(many=True))
def list_forms(trial_id: uuid.UUID) -> Any:
    return forms.list_forms(unit_of_work(), current_principal(), trial_id)


@blp.get("/<uuid:trial_id>/forms/<int:version>")
@require("coordinator", "researcher", "admin")
@blp.response(200, FormOut)
def read_form(trial_id: uuid.UUID, version: int) -> Any:
    return forms.get_form(unit_of_work(), current_principal(), trial_id, version)


@blp.put("/<uuid:trial_id>/forms/<int:version>")
@require("admin")
@blp.arguments(FormIn)
@blp.response(200, FormOut)
def revise_draft(body: dict[str, Any], trial_id: uuid.UUID, version: int) -> Any:
    return forms.revise_draft(unit_of_work(), current_principal(), trial_id, version, body)


@blp.post("/<uuid:trial_id>/forms/<int:version>/publish")
@require("admin")
@blp.arguments(PublishIn)
@blp.response(200, PublishedOut)
def publish(body: dict[str, Any], trial_id: uuid.UUID, version: int) -> Any:
    form, texted = forms.publish(
        unit_of_work(), current_principal(), trial_id, version, body["ethics_reference"]
    )
    return {**form.__dict__, "links_requested": texted}


@blp.put("/<uuid:trial_id>/forms/<int:version>/questions/<key>")
@require("admin")
@blp.arguments(QuestionEditIn)
@blp.response(200, FormOut)
def save_question(body: dict[str, Any], trial_id: uuid.UUID, version: int, key: str) -> Any:
    """Add or replace one understanding question of a draft, in every language of it."""
    return form_questions.save_question(
        unit_of_work(), current_principal(), trial_id, version, key, body
    )


@blp.delete("/<uuid:trial_id>/forms/<int:version>/questions/<key>")
@require("admin")
@blp.response(200, FormOut)
def remove_question(trial_id: uuid.UUID, version: int, key: str) -> Any:
    return form_questions.remove_question(
        unit_of_work(), current_principal(), trial_id, version, key
    )

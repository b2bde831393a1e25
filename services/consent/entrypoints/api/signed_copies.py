"""The research team's signed copies (a PDF per consent record, named by study number), and
the trial's signature setting, chosen by an admin."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Response
from flask_smorest import Blueprint

from services.consent.entrypoints.api.schemas import SignatureModeIn, SignatureModeOut
from services.consent.entrypoints.context import unit_of_work
from services.consent.entrypoints.web.signing import pdf_response
from services.consent.service_layer import signed_copy, signing
from shared.http.auth import current_principal, require

blp = Blueprint("signed_copies", __name__, description="Signatures and signed copies")

# The research team of the trial (and admins); scope is checked in the use case.
TEAM = ("coordinator", "researcher", "admin")


@blp.get("/trials/<uuid:trial_id>/consent-records/<study_number>/signed-copy")
@require(*TEAM)
@blp.doc(
    responses={
        "200": {
            "description": "The signed copy, PDF/A-3b, in the language the patient read",
            "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
        }
    }
)
def download(trial_id: uuid.UUID, study_number: str) -> Response:
    copy = signed_copy.for_team(unit_of_work(), current_principal(), trial_id, study_number)
    return pdf_response(copy)


@blp.put("/trials/<uuid:trial_id>/signature")
@require("admin")
@blp.arguments(SignatureModeIn)
@blp.response(200, SignatureModeOut)
def set_signature(body: dict[str, Any], trial_id: uuid.UUID) -> Any:
    signing.set_mode(unit_of_work(), current_principal(), trial_id, body["signature"])
    return {"trial_id": trial_id, **body}

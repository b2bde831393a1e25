"""WhatsApp content templates (admins), patients' WhatsApp opt-ins (their practice's staff),
and each trial's cascade across channels (admins): decision 30."""

from __future__ import annotations

import uuid
from typing import Any

from flask_smorest import Blueprint

from services.messaging.entrypoints.api.channel_schemas import (
    CascadeIn,
    CascadeOut,
    OptInIn,
    OptInOut,
    WhatsAppTemplateIn,
    WhatsAppTemplateOut,
)
from services.messaging.entrypoints.context import unit_of_work
from services.messaging.service_layer import cascades, whatsapp
from shared.http.auth import current_principal, require

blp = Blueprint("channels", __name__, description="WhatsApp and trial cascades")


@blp.get("/whatsapp/templates")
@require("admin")
@blp.response(200, WhatsAppTemplateOut(many=True))
def list_templates() -> Any:
    return whatsapp.list_templates(unit_of_work())


@blp.put("/whatsapp/templates/<kind>/<language>")
@require("admin")
@blp.arguments(WhatsAppTemplateIn)
@blp.response(200, WhatsAppTemplateOut)
def save_template(body: dict[str, Any], kind: str, language: str) -> Any:
    """The approved content template (Twilio ContentSid) for one kind and language, the
    text as approved, what its variables {{1}}, {{2}}... take, and its approval state."""
    return whatsapp.save_template(
        unit_of_work(),
        current_principal().name,
        kind,
        language,
        body["content_sid"],
        body["body"],
        body["variables"],
        body["approval"],
    )


@blp.post("/participants/<uuid:participant_id>/whatsapp-opt-in")
@require("staff", "admin")
@blp.arguments(OptInIn)
@blp.response(200, OptInOut)
def record_opt_in(body: dict[str, Any], participant_id: uuid.UUID) -> Any:
    """Record when and how the patient agreed to be messaged on WhatsApp."""
    return whatsapp.record_opt_in(
        unit_of_work(),
        current_principal(),
        participant_id,
        body["how"],
        body["agreed_at"],
        body["note"],
    )


@blp.get("/trials/<uuid:trial_id>/cascade")
@require("admin")
@blp.response(200, CascadeOut)
def get_cascade(trial_id: uuid.UUID) -> Any:
    return cascades.get_cascade(unit_of_work(), trial_id)


@blp.put("/trials/<uuid:trial_id>/cascade")
@require("admin")
@blp.arguments(CascadeIn)
@blp.response(200, CascadeOut)
def set_cascade(body: dict[str, Any], trial_id: uuid.UUID) -> Any:
    """The channels tried in turn when a patient does not answer: each step's channel, how
    many hours to wait for an answer after each try, and how many tries."""
    return cascades.set_cascade(unit_of_work(), current_principal().name, trial_id, body["steps"])

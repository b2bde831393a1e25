"""Replies nobody could classify, for staff to read; and staff re-subscribing a patient."""

from __future__ import annotations

import uuid
from typing import Any

from flask_smorest import Blueprint

from services.messaging.entrypoints.api.schemas import (
    IntentIn,
    IntentOut,
    NoteIn,
    ResubscribeOut,
    UnclearReplyOut,
)
from services.messaging.service_layer import replies
from shared.http.app import unit_of_work
from shared.http.auth import current_principal, require

blp = Blueprint("replies", __name__, url_prefix="", description="Replies and opt-ins")


@blp.get("/replies/unclear")
@require("staff", "admin")
@blp.response(200, UnclearReplyOut(many=True))
def unclear() -> Any:
    """The review inbox: replies the classifier read as unknown, oldest first."""
    return replies.unclear_replies(unit_of_work(), current_principal())


@blp.post("/replies/<uuid:reply_id>/intent")
@require("staff", "admin")
@blp.arguments(IntentIn)
@blp.response(200, IntentOut)
def set_intent(body: dict[str, Any], reply_id: uuid.UUID) -> Any:
    """Say what the reply meant; it is then acted on and acknowledged like any other."""
    intent = replies.set_intent(unit_of_work(), current_principal(), reply_id, body["intent"])
    return {"id": reply_id, "intent": intent}


@blp.post("/participants/<uuid:participant_id>/resubscribe")
@require("staff", "admin")
@blp.arguments(NoteIn)
@blp.response(200, ResubscribeOut)
def resubscribe(_: dict[str, Any], participant_id: uuid.UUID) -> Any:
    """The patient asked staff to be texted again: their number leaves the STOP list."""
    was = replies.staff_resubscribe(unit_of_work(), current_principal(), participant_id)
    return {"participant_id": participant_id, "was_stopped": was}

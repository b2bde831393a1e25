"""Replies nobody could classify, for staff to read; and staff re-subscribing a patient."""

from __future__ import annotations

import uuid
from typing import Any

from flask_smorest import Blueprint

from services.messaging.entrypoints.api.schemas import (
    CallbackIn,
    IntentIn,
    IntentOut,
    MadeCallbackOut,
    NoteIn,
    ResubscribeOut,
    UnclearQuery,
    UnclearReplyOut,
)
from services.messaging.entrypoints.context import unit_of_work
from services.messaging.service_layer import resubscribe as resubscribing
from services.messaging.service_layer import review_inbox
from shared.http.auth import current_principal, require

blp = Blueprint("replies", __name__, url_prefix="", description="Replies and opt-ins")


@blp.get("/replies/unclear")
@require("staff", "admin")
@blp.arguments(UnclearQuery, location="query")
@blp.response(200, UnclearReplyOut(many=True))
def unclear(query: dict[str, Any]) -> Any:
    """The review inbox: replies the classifier read as unknown, oldest first, each with its
    conversation."""
    return review_inbox.unclear_replies(unit_of_work(), current_principal())


@blp.post("/replies/<uuid:reply_id>/intent")
@require("staff", "admin")
@blp.arguments(IntentIn)
@blp.response(200, IntentOut)
def set_intent(body: dict[str, Any], reply_id: uuid.UUID) -> Any:
    """Say what the reply meant; it is then acted on and acknowledged like any other."""
    intent = review_inbox.set_intent(unit_of_work(), current_principal(), reply_id, body["intent"])
    return {"id": reply_id, "intent": intent}


@blp.post("/replies/<uuid:reply_id>/callback")
@require("staff", "admin")
@blp.arguments(CallbackIn)
@blp.response(200, MadeCallbackOut)
def callback(body: dict[str, Any], reply_id: uuid.UUID) -> Any:
    """One action: the reply meant "call me". It leaves the inbox and a callback task opens
    (or the patient's open one in that trial gets it), with the note."""
    task_id = review_inbox.make_callback(
        unit_of_work(), current_principal(), reply_id, body["note"]
    )
    return {"id": reply_id, "intent": "callback", "callback_id": task_id}


@blp.post("/participants/<uuid:participant_id>/resubscribe")
@require("staff", "admin")
@blp.arguments(NoteIn)
@blp.response(200, ResubscribeOut)
def resubscribe(body: dict[str, Any], participant_id: uuid.UUID) -> Any:
    """The patient asked staff to be texted again. Their number stays on the STOP list: it is
    texted once, asking the patient to reply START, which alone lifts it. Refused (403) for a
    number that is not only this practice's patient's, or whose STOP was not theirs."""
    return resubscribing.staff_resubscribe(
        unit_of_work(), current_principal(), participant_id, body["note"]
    )

"""What was sent to a participant, for the staff of their practice."""

from __future__ import annotations

import uuid
from typing import Any

from flask_smorest import Blueprint

from services.messaging.entrypoints.api.schemas import MessageOut
from services.messaging.entrypoints.context import unit_of_work
from services.messaging.service_layer import views
from shared.http.auth import current_principal, require

blp = Blueprint("messages", __name__, url_prefix="/participants", description="Messages")


@blp.get("/<uuid:participant_id>/messages")
@require("staff", "admin")
@blp.response(200, MessageOut(many=True))
def list_for_participant(participant_id: uuid.UUID) -> Any:
    return views.messages_for(unit_of_work(), current_principal(), participant_id)

"""How many SMS parts a text takes, for admins writing a template (the console's live counter)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from flask_smorest import Blueprint

from services.messaging.domain.segments import measure
from services.messaging.entrypoints.api.schemas import SegmentsIn, SegmentsOut
from services.messaging.entrypoints.context import settings
from shared.http.auth import require

blp = Blueprint("segments", __name__, url_prefix="/segments", description="SMS parts and cost")


@blp.post("")
@require("admin")
@blp.arguments(SegmentsIn)
@blp.response(200, SegmentsOut)
def count(body: dict[str, Any]) -> Any:
    """Encoding, characters, parts and cost of a text exactly as typed (placeholders and all);
    the batch preview shows them for the filled-in text."""
    config = settings()
    return {
        **asdict(measure(body["text"], config.price_per_segment)),
        "currency": config.price_currency,
    }

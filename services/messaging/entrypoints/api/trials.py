"""Per-trial sending settings, for admins."""

from __future__ import annotations

import uuid
from typing import Any

from flask_smorest import Blueprint

from services.messaging.entrypoints.api.schemas import TrialSettingsIn, TrialSettingsOut
from services.messaging.service_layer import trials
from shared.http.app import unit_of_work
from shared.http.auth import require

blp = Blueprint("trial_settings", __name__, url_prefix="/trials", description="Trial settings")


@blp.get("/<uuid:trial_id>/messaging-settings")
@require("admin")
@blp.response(200, TrialSettingsOut)
def get_settings(trial_id: uuid.UUID) -> Any:
    return trials.get_settings(unit_of_work(), trial_id)


@blp.patch("/<uuid:trial_id>/messaging-settings")
@require("admin")
@blp.arguments(TrialSettingsIn)
@blp.response(200, TrialSettingsOut)
def update_settings(body: dict[str, Any], trial_id: uuid.UUID) -> Any:
    """Where to read more, days before the one reminder, sending window, smart encoding."""
    return trials.update_settings(unit_of_work(), trial_id, body)

"""Per-trial sending settings, for admins."""

from __future__ import annotations

import uuid
from dataclasses import fields
from typing import Any

from flask_smorest import Blueprint

from services.messaging.domain.trial_settings import TrialSettings
from services.messaging.entrypoints.api.schemas import TrialSettingsIn, TrialSettingsOut
from services.messaging.entrypoints.context import settings, unit_of_work
from services.messaging.service_layer import trials
from shared.http.auth import require

blp = Blueprint("trial_settings", __name__, url_prefix="/trials", description="Trial settings")


@blp.get("/<uuid:trial_id>/messaging-settings")
@require("admin")
@blp.response(200, TrialSettingsOut)
def get_settings(trial_id: uuid.UUID) -> Any:
    return _shown(trials.get_settings(unit_of_work(), trial_id))


@blp.patch("/<uuid:trial_id>/messaging-settings")
@require("admin")
@blp.arguments(TrialSettingsIn)
@blp.response(200, TrialSettingsOut)
def update_settings(body: dict[str, Any], trial_id: uuid.UUID) -> Any:
    """Where to read more, days before the one reminder, sending window, smart encoding."""
    return _shown(trials.update_settings(unit_of_work(), trial_id, body))


def _shown(found: TrialSettings) -> dict[str, Any]:
    """The settings, and the window that applies: the deployment's when the trial has none."""
    window, source = trials.effective_window(found, settings().default_window)
    return {
        **{f.name: getattr(found, f.name) for f in fields(found)},
        "effective_window": {**window.describe(), "source": source},
    }

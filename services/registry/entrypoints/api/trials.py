"""Trials, and asking messaging to invite participants to one."""

from __future__ import annotations

import uuid
from typing import Any

from flask_smorest import Blueprint

from services.registry.entrypoints.api.schemas import (
    InvitationRequestIn,
    InvitationRequestOut,
    TrialIn,
    TrialOut,
)
from services.registry.service_layer import trials
from shared.http.app import unit_of_work
from shared.http.auth import current_principal, require

blp = Blueprint("trials", __name__, url_prefix="/trials", description="Trials and invitations")


@blp.post("")
@require("admin")
@blp.arguments(TrialIn)
@blp.response(201, TrialOut)
def create(body: dict[str, Any]) -> Any:
    return trials.create_trial(unit_of_work(), **body)


@blp.get("")
@require("staff", "coordinator", "admin")
@blp.response(200, TrialOut(many=True))
def list_() -> Any:
    return trials.visible_trials(unit_of_work(), current_principal())


@blp.post("/<uuid:trial_id>/invitations")
@require("staff", "admin")
@blp.arguments(InvitationRequestIn)
@blp.response(202, InvitationRequestOut)
def request_invitations(body: dict[str, Any], trial_id: uuid.UUID) -> Any:
    outcome = trials.request_invitations(
        unit_of_work(), current_principal(), trial_id, body["practice_ods"], body["participant_ids"]
    )
    return {
        "batch_id": outcome.batch_id,
        "invited": len(outcome.invited),
        "skipped": outcome.skipped,
    }

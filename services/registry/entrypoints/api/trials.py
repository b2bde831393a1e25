"""Trials, each participant's status in one, and asking messaging to invite participants."""

from __future__ import annotations

import uuid
from typing import Any

from flask_smorest import Blueprint

from services.registry.entrypoints.api.schemas import (
    InvitationRequestIn,
    InvitationRequestOut,
    MinimumAgeIn,
    SettingChangeOut,
    StatusQuery,
    TrialIn,
    TrialOut,
    TrialStatusPage,
)
from services.registry.entrypoints.context import settings, unit_of_work
from services.registry.service_layer import invitations, trials
from shared.http.auth import current_principal, require

blp = Blueprint("trials", __name__, url_prefix="/trials", description="Trials and invitations")


@blp.post("")
@require("admin")
@blp.arguments(TrialIn)
@blp.response(201, TrialOut)
def create(body: dict[str, Any]) -> Any:
    return trials.create_trial(
        unit_of_work(),
        body["short_name"],
        body["title"],
        body["sponsor"],
        body["response_deadline_days"],
        body["languages"],
    )


@blp.get("")
@require("staff", "coordinator", "researcher", "admin")
@blp.response(200, TrialOut(many=True))
def list_() -> Any:
    return trials.visible_trials(unit_of_work(), current_principal())


@blp.get("/<uuid:trial_id>")
@require("staff", "coordinator", "researcher", "admin")
@blp.response(200, TrialOut)
def read(trial_id: uuid.UUID) -> Any:
    return trials.get_trial(unit_of_work(), current_principal(), trial_id)


@blp.put("/<uuid:trial_id>/minimum-age")
@require("admin")
@blp.arguments(MinimumAgeIn)
@blp.response(200, TrialOut)
def set_minimum_age(body: dict[str, Any], trial_id: uuid.UUID) -> Any:
    """Who is old enough to be invited; each change is kept with who, when and why."""
    return trials.set_minimum_age(
        unit_of_work(), current_principal(), trial_id, body["minimum_age"], body["reason"]
    )


@blp.get("/<uuid:trial_id>/setting-changes")
@require("admin")
@blp.response(200, SettingChangeOut(many=True))
def setting_changes(trial_id: uuid.UUID) -> Any:
    return trials.setting_changes(unit_of_work(), current_principal(), trial_id)


@blp.get("/<uuid:trial_id>/statuses")
@require("staff", "admin")
@blp.arguments(StatusQuery, location="query")
@blp.response(200, TrialStatusPage)
def statuses(query: dict[str, Any], trial_id: uuid.UUID) -> Any:
    limit = query["limit"]
    counts, found = trials.statuses_in_trial(
        unit_of_work(),
        current_principal(),
        trial_id,
        query["practice_ods"],
        query["cursor"],
        limit + 1,
    )
    page = list(found[:limit])
    return {
        "counts": counts,
        "items": [
            {
                "participant_id": participant.id,
                "given_name": participant.given_name,
                "family_name": participant.family_name,
                "status": status.status,
                "updated_at": status.updated_at,
            }
            for participant, status in page
        ],
        "next_cursor": str(page[-1][0].id) if len(found) > limit else None,
    }


@blp.post("/<uuid:trial_id>/invitations")
@require("staff", "admin")
@blp.arguments(InvitationRequestIn)
@blp.response(202, InvitationRequestOut)
def request_invitations(body: dict[str, Any], trial_id: uuid.UUID) -> Any:
    outcome = invitations.request_invitations(
        unit_of_work(),
        current_principal(),
        invitations.NamedParticipants(trial_id, body["practice_ods"], body["participant_ids"]),
        settings().dob_hash_key,
    )
    return {
        "batch_id": outcome.batch_id,
        "invited": len(outcome.invited),
        "skipped": outcome.skipped,
    }

"""The patient's practice: consent per trial, the identity check's lock, a new link; and the
trial's identity check, chosen by an admin."""

from __future__ import annotations

import uuid
from typing import Any

from flask_smorest import Blueprint

from services.consent.entrypoints.api.schemas import (
    ActionIn,
    IdentityCheckIn,
    IdentityCheckOut,
    LockLiftedOut,
    NewLinkOut,
    PatientConsentOut,
)
from services.consent.entrypoints.context import unit_of_work
from services.consent.service_layer import identity
from shared.http.auth import current_principal, require

blp = Blueprint("patients", __name__, description="The patient's practice: identity and links")


@blp.get("/participants/<uuid:participant_id>/consent")
@require("staff", "admin")
@blp.response(200, PatientConsentOut)
def patient_consent(participant_id: uuid.UUID) -> Any:
    found = identity.consent_of(unit_of_work(), current_principal(), participant_id)
    return {"participant_id": participant_id, "trials": found}


@blp.post("/participants/<uuid:participant_id>/trials/<uuid:trial_id>/lock/lift")
@require("staff", "admin")
@blp.arguments(ActionIn)
@blp.response(200, LockLiftedOut)
def lift_lock(body: dict[str, Any], participant_id: uuid.UUID, trial_id: uuid.UUID) -> Any:
    lifted = identity.lift_lock(
        unit_of_work(), current_principal(), participant_id, trial_id, body["reason"]
    )
    return {"lifted": lifted}


@blp.post("/participants/<uuid:participant_id>/trials/<uuid:trial_id>/new-link")
@require("staff", "admin")
@blp.arguments(ActionIn)
@blp.response(200, NewLinkOut)
def new_link(body: dict[str, Any], participant_id: uuid.UUID, trial_id: uuid.UUID) -> Any:
    identity.new_link(unit_of_work(), current_principal(), participant_id, trial_id, body["reason"])
    return {"sent": True}


@blp.put("/trials/<uuid:trial_id>/identity-check")
@require("admin")
@blp.arguments(IdentityCheckIn)
@blp.response(200, IdentityCheckOut)
def set_identity_check(body: dict[str, Any], trial_id: uuid.UUID) -> Any:
    identity.set_identity_check(
        unit_of_work(), current_principal(), trial_id, body["identity_check"]
    )
    return {"trial_id": trial_id, **body}

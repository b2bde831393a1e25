"""The research team: consent discussions, witnesses, legal representatives, the
countersignature, and consent by phone (decision 0032). Researchers of the trial only;
admins choose which trials (or form versions) ask for the team's confirmation."""

from __future__ import annotations

import uuid
from typing import Any

from flask_smorest import Blueprint

from services.consent.entrypoints.api.confirmation_schemas import (
    AttestationList,
    AttestationOut,
    CountersignatureIn,
    DiscussionIn,
    PhoneConsentIn,
    RepresentativeIn,
    SettingIn,
    SettingOut,
    SettingsOut,
    WitnessIn,
)
from services.consent.entrypoints.api.schemas import RecordOut
from services.consent.entrypoints.context import unit_of_work
from services.consent.service_layer import by_phone, confirmation
from shared.http.auth import current_principal, require

blp = Blueprint(
    "confirmation", __name__, url_prefix="/trials", description="The research team's part"
)
RECORD = "/<uuid:trial_id>/consent-records/<study_number>"


@blp.get("/<uuid:trial_id>/confirmation")
@require("admin")
@blp.response(200, SettingsOut)
def read_settings(trial_id: uuid.UUID) -> Any:
    required, versions = confirmation.settings_of(unit_of_work(), current_principal(), trial_id)
    return {
        "trial_id": trial_id,
        "required": required,
        "form_versions": {str(v): r for v, r in sorted(versions.items())},
    }


@blp.put("/<uuid:trial_id>/confirmation")
@require("admin")
@blp.arguments(SettingIn)
@blp.response(200, SettingOut)
def set_requirement(body: dict[str, Any], trial_id: uuid.UUID) -> Any:
    setting = confirmation.set_requirement(
        unit_of_work(), current_principal(), trial_id, body["required"], body["form_version"]
    )
    return {
        "trial_id": trial_id,
        "form_version": body["form_version"],
        "required": setting.required,
    }


@blp.get(f"{RECORD}/attestations")
@require("researcher", "coordinator", "admin")
@blp.response(200, AttestationList)
def attestations(trial_id: uuid.UUID, study_number: str) -> Any:
    found = confirmation.attestations_of(
        unit_of_work(), current_principal(), trial_id, study_number
    )
    return {
        "study_number": study_number,
        "items": [{**vars(c.attestation), "verified": c.verified} for c in found],
    }


@blp.post(f"{RECORD}/discussion")
@require("researcher")
@blp.arguments(DiscussionIn)
@blp.response(201, AttestationOut)
def discussion(body: dict[str, Any], trial_id: uuid.UUID, study_number: str) -> Any:
    return confirmation.record_discussion(
        unit_of_work(), current_principal(), trial_id, study_number, body
    )


@blp.post(f"{RECORD}/witness")
@require("researcher")
@blp.arguments(WitnessIn)
@blp.response(201, AttestationOut)
def witness(body: dict[str, Any], trial_id: uuid.UUID, study_number: str) -> Any:
    return confirmation.record_witness(
        unit_of_work(), current_principal(), trial_id, study_number, body
    )


@blp.post(f"{RECORD}/representative")
@require("researcher")
@blp.arguments(RepresentativeIn)
@blp.response(201, AttestationOut)
def representative(body: dict[str, Any], trial_id: uuid.UUID, study_number: str) -> Any:
    return confirmation.record_representative(
        unit_of_work(), current_principal(), trial_id, study_number, body
    )


@blp.post(f"{RECORD}/countersignature")
@require("researcher")
@blp.arguments(CountersignatureIn)
@blp.response(200, RecordOut)
def countersign(body: dict[str, Any], trial_id: uuid.UUID, study_number: str) -> Any:
    return confirmation.countersign(
        unit_of_work(), current_principal(), trial_id, study_number, body
    )


@blp.post("/<uuid:trial_id>/phone-consent")
@require("researcher")
@blp.arguments(PhoneConsentIn)
@blp.response(200, RecordOut)
def phone_consent(body: dict[str, Any], trial_id: uuid.UUID) -> Any:
    answers = by_phone.PhoneAnswers(
        form_version=body["form_version"],
        language=body["language"],
        decision=body["decision"],
        ticked=frozenset(key for key, said_yes in body["answers"].items() if said_yes),
        study_number=body["study_number"],
        participant_id=body["participant_id"],
    )
    return by_phone.take_consent(unit_of_work(), current_principal(), trial_id, answers, body)

"""Participants: practice staff register, find, correct and erase their practice's patients."""

from __future__ import annotations

import uuid
from dataclasses import asdict
from typing import Any

from flask_smorest import Blueprint

from services.registry.entrypoints.api.schemas import (
    ParticipantCorrectionIn,
    ParticipantIn,
    ParticipantOut,
    ParticipantPage,
    ParticipantQuery,
)
from services.registry.entrypoints.context import settings, unit_of_work
from services.registry.service_layer import participants
from shared.http.auth import current_principal, require

blp = Blueprint("participants", __name__, url_prefix="/participants", description="Patients")


@blp.post("")
@require("staff", "admin")
@blp.arguments(ParticipantIn)
@blp.response(200, ParticipantOut, description="Updated (same NHS number)")
@blp.alt_response(201, schema=ParticipantOut, description="Registered")
def register(body: dict[str, Any]) -> Any:
    details = participants.ParticipantDetails(**body)
    participant, created = participants.register_participant(
        unit_of_work(), current_principal(), details, settings().dob_hash_key
    )
    return participant, 201 if created else 200


@blp.get("")
@require("staff", "admin")
@blp.arguments(ParticipantQuery, location="query")
@blp.response(200, ParticipantPage)
def list_(query: dict[str, Any]) -> Any:
    """Search, filter and sort the practice's patients: id order page by page after a cursor,
    or sorted and paged by number."""
    limit = query["limit"]
    search = participants.Search(
        practice_ods=query["practice_ods"],
        q=query["q"],
        language=query["language"],
        ethnic_category=query["ethnic_category"],
        textable=query["textable"],
        opted_out=query["opted_out"],
        trial_id=query["trial_id"],
        trial_status=query["status"],
        sort=query["sort"],
    )
    offset = (query["page"] - 1) * limit
    found = participants.list_participants(
        unit_of_work(), current_principal(), search, query["cursor"], limit, offset
    )
    last = found.items[-1][0].id if found.items else None
    return {
        "items": [{**asdict(p), "trials": statuses} for p, statuses in found.items],
        "next_cursor": str(last) if found.more and not query["sort"] else None,
        "next_page": query["page"] + 1 if found.more and query["sort"] else None,
        "total": found.total,
    }


@blp.get("/<uuid:participant_id>")
@require("staff", "admin")
@blp.response(200, ParticipantOut)
def read(participant_id: uuid.UUID) -> Any:
    participant, statuses = participants.get_participant(
        unit_of_work(), current_principal(), participant_id
    )
    return {**asdict(participant), "trials": statuses}


@blp.patch("/<uuid:participant_id>")
@require("staff", "admin")
@blp.arguments(ParticipantCorrectionIn)
@blp.response(200, ParticipantOut)
def correct(body: dict[str, Any], participant_id: uuid.UUID) -> Any:
    correction = participants.Correction(
        mobile=body.get("mobile"),
        clear_mobile="mobile" in body and body["mobile"] is None,
        language=body.get("language"),
        interpreter_needed=body.get("interpreter_needed"),
        preferred_channel=body.get("preferred_channel"),
        clear_preferred_channel="preferred_channel" in body and body["preferred_channel"] is None,
    )
    return participants.correct_participant(
        unit_of_work(), current_principal(), participant_id, correction, settings().dob_hash_key
    )


@blp.delete("/<uuid:participant_id>")
@require("staff", "admin")
@blp.response(204, description="Erased here; messaging and consent are told to erase too")
def erase(participant_id: uuid.UUID) -> Any:
    participants.erase_participant(
        unit_of_work(), current_principal(), participant_id, settings().dob_hash_key
    )
    return None

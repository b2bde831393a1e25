"""Coordinators' view of consent, scoped to their trials."""

from __future__ import annotations

import uuid
from dataclasses import asdict
from typing import Any

from flask_smorest import Blueprint

from services.consent.entrypoints.api.schemas import (
    RecordDetailOut,
    RecordPage,
    RecordQuery,
    SummaryOut,
)
from services.consent.service_layer import queries
from shared.http.app import unit_of_work
from shared.http.auth import current_principal, require

blp = Blueprint("records", __name__, url_prefix="/trials", description="Consent records")


@blp.get("/<uuid:trial_id>/summary")
@require("coordinator", "admin")
@blp.response(200, SummaryOut)
def summary(trial_id: uuid.UUID) -> Any:
    counts = queries.summary(unit_of_work(), current_principal(), trial_id)
    return {"trial_id": trial_id, "counts": counts, "total": sum(counts.values())}


@blp.get("/<uuid:trial_id>/consent-records")
@require("coordinator", "admin")
@blp.arguments(RecordQuery, location="query")
@blp.response(200, RecordPage)
def list_records(query: dict[str, Any], trial_id: uuid.UUID) -> Any:
    limit = query["limit"]
    found = queries.list_records(
        unit_of_work(), current_principal(), trial_id, query["status"], query["cursor"], limit + 1
    )
    items = list(found[:limit])
    more = len(found) > limit
    return {"items": items, "next_cursor": str(items[-1].participant_id) if more else None}


@blp.get("/<uuid:trial_id>/consent-records/<uuid:participant_id>")
@require("coordinator", "admin")
@blp.response(200, RecordDetailOut)
def read_record(trial_id: uuid.UUID, participant_id: uuid.UUID) -> Any:
    view = queries.get_record(unit_of_work(), current_principal(), trial_id, participant_id)
    return {
        **asdict(view.record),
        "participant": view.participant,
        "history": view.history,
        "audit_chain_intact": view.chain_broken_at is None,
        "audit_chain_broken_at": view.chain_broken_at,
    }

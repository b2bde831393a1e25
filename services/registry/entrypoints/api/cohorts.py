"""Cohorts: a saved eligibility filter on a trial and practice, its preview, its invitations."""

from __future__ import annotations

import uuid
from dataclasses import asdict
from typing import Any

from flask_smorest import Blueprint

from services.registry.entrypoints.api.schemas import (
    BreakdownOut,
    CohortIn,
    CohortInvitationIn,
    CohortInvitationOut,
    CohortOut,
    CohortQuery,
)
from services.registry.entrypoints.context import settings, unit_of_work
from services.registry.service_layer import cohorts, invitations
from shared.http.auth import current_principal, require

blp = Blueprint("cohorts", __name__, description="Cohorts: who to invite to a trial")


@blp.post("/trials/<uuid:trial_id>/cohorts")
@require("staff", "admin")
@blp.arguments(CohortIn)
@blp.response(201, CohortOut)
def create(body: dict[str, Any], trial_id: uuid.UUID) -> Any:
    return cohorts.create_cohort(
        unit_of_work(),
        current_principal(),
        trial_id,
        body["practice_ods"],
        body["name"],
        body["criteria"],
    )


@blp.get("/trials/<uuid:trial_id>/cohorts")
@require("staff", "admin")
@blp.arguments(CohortQuery, location="query")
@blp.response(200, CohortOut(many=True))
def list_(query: dict[str, Any], trial_id: uuid.UUID) -> Any:
    return cohorts.cohorts_of_trial(
        unit_of_work(), current_principal(), trial_id, query["practice_ods"]
    )


@blp.get("/cohorts/<uuid:cohort_id>")
@require("staff", "admin")
@blp.response(200, CohortOut)
def read(cohort_id: uuid.UUID) -> Any:
    return cohorts.get_cohort(unit_of_work(), current_principal(), cohort_id)


@blp.get("/cohorts/<uuid:cohort_id>/preview")
@require("staff", "admin")
@blp.response(200, BreakdownOut)
def preview(cohort_id: uuid.UUID) -> Any:
    return asdict(cohorts.preview(unit_of_work(), current_principal(), cohort_id))


@blp.post("/cohorts/<uuid:cohort_id>/invitations")
@require("staff", "admin")
@blp.arguments(CohortInvitationIn)
@blp.response(202, CohortInvitationOut)
def invite(body: dict[str, Any], cohort_id: uuid.UUID) -> Any:
    outcome = invitations.request_invitations(
        unit_of_work(),
        current_principal(),
        invitations.WholeCohort(cohort_id, body["expected_count"]),
        settings().dob_hash_key,
    )
    return {
        "batch_id": outcome.batch_id,
        "invited": len(outcome.invited),
        "chunks": outcome.chunks,
    }

"""Coordinators' (and researchers') view of consent, scoped to their trials: study numbers
and bands only.

A record is named by its study number in the trial (a URL segment, not a participant_id)."""

from __future__ import annotations

import uuid
from dataclasses import fields
from typing import Any

from flask import Response, stream_with_context
from flask_smorest import Blueprint

from services.consent.domain.filters import RecordFilter
from services.consent.entrypoints.api.schemas import (
    CorrectionIn,
    ExportQuery,
    PracticeSummaryPage,
    RecordDetailOut,
    RecordFilterQuery,
    RecordOut,
    RecordPage,
    SummaryOut,
)
from services.consent.entrypoints.context import unit_of_work, uow_factory
from services.consent.service_layer import queries
from services.consent.service_layer import records as consent_records
from shared.http.auth import current_principal, require

blp = Blueprint("records", __name__, url_prefix="/trials", description="Consent records")

FILTERS = ("status", "practice_ods", "language", "age_band", "sex", "ethnic_category")


@blp.get("/<uuid:trial_id>/summary")
@require("coordinator", "admin")
@blp.response(200, SummaryOut)
def summary(trial_id: uuid.UUID) -> Any:
    return queries.summary(unit_of_work(), current_principal(), trial_id)


@blp.get("/<uuid:trial_id>/summary/practices")
@require("coordinator", "admin")
@blp.response(200, PracticeSummaryPage)
def practice_summary(trial_id: uuid.UUID) -> Any:
    return queries.practice_summary(unit_of_work(), current_principal(), trial_id)


@blp.get("/<uuid:trial_id>/consent-records")
@require("coordinator", "researcher", "admin")
@blp.arguments(RecordFilterQuery, location="query")
@blp.response(200, RecordPage)
def list_records(query: dict[str, Any], trial_id: uuid.UUID) -> Any:
    limit = query["limit"]
    where = RecordFilter(
        **{name: query[name] for name in FILTERS}, updated_since=query["updated_since"]
    )
    found = queries.list_records(
        unit_of_work(),
        current_principal(),
        trial_id,
        where,
        query["cursor"],
        limit + 1,
    )
    items = list(found[:limit])
    more = len(found) > limit
    return {"items": items, "next_cursor": items[-1].study_number if more else None}


@blp.get("/<uuid:trial_id>/consent-records/<study_number>")
@require("coordinator", "researcher", "admin")
@blp.response(200, RecordDetailOut)
def read_record(trial_id: uuid.UUID, study_number: str) -> Any:
    view = queries.get_record(unit_of_work(), current_principal(), trial_id, study_number)
    return {
        # A shallow copy: asdict's deep copy cost a tenth of the read (bench/consent_read).
        **{f.name: getattr(view.record, f.name) for f in fields(view.record)},
        "participant": view.participant,
        "history": view.history,
        "responses": view.responses,
        "understanding": view.understanding,
        "audit_chain_intact": view.chain_broken_at is None,
        "audit_chain_broken_at": view.chain_broken_at,
    }


@blp.post("/<uuid:trial_id>/consent-records/<study_number>/entered-in-error")
@require("coordinator", "admin")
@blp.arguments(CorrectionIn)
@blp.response(200, RecordOut)
def entered_in_error(body: dict[str, Any], trial_id: uuid.UUID, study_number: str) -> Any:
    return consent_records.mark_entered_in_error(
        unit_of_work(), current_principal(), trial_id, study_number, body["reason"]
    )


@blp.get("/<uuid:trial_id>/consent-records.csv")
@require("coordinator", "admin")
@blp.arguments(ExportQuery, location="query")
@blp.doc(
    responses={
        "200": {
            "description": "CSV, streamed",
            "content": {"text/csv": {"schema": {"type": "string"}}},
        }
    }
)
def export_csv(query: dict[str, Any], trial_id: uuid.UUID) -> Response:
    rows = queries.export_csv(uow_factory(), current_principal(), trial_id, RecordFilter(**query))
    return Response(
        stream_with_context(rows),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="consent-{trial_id}.csv"'},
    )


@blp.get("/<uuid:trial_id>/fhir")
@require("coordinator", "admin")
@blp.arguments(ExportQuery, location="query")
@blp.doc(
    responses={
        "200": {
            "description": "FHIR R4 Bundle of Consent and ResearchSubject, streamed",
            "content": {"application/fhir+json": {"schema": {"type": "object"}}},
        }
    }
)
def export_fhir(query: dict[str, Any], trial_id: uuid.UUID) -> Response:
    chunks = queries.export_fhir(
        uow_factory(), current_principal(), trial_id, RecordFilter(**query)
    )
    return Response(stream_with_context(chunks), mimetype="application/fhir+json")

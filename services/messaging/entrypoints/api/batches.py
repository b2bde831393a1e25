"""Invitation batches, for the staff of the batch's practice and for admins."""

from __future__ import annotations

import uuid
from typing import Any

from flask_smorest import Blueprint

from services.messaging.entrypoints.api.schemas import (
    ApproveIn,
    BatchOut,
    NoteIn,
    PreviewOut,
    ReportOut,
)
from services.messaging.entrypoints.context import settings, unit_of_work
from services.messaging.service_layer import batches
from shared.http.auth import current_principal, require

blp = Blueprint("batches", __name__, url_prefix="/batches", description="Invitation batches")


@blp.get("")
@require("staff", "admin")
@blp.response(200, BatchOut(many=True))
def list_batches() -> Any:
    return batches.list_batches(unit_of_work(), current_principal())


@blp.get("/<uuid:batch_id>/preview")
@require("staff", "admin")
@blp.response(200, PreviewOut)
def preview(batch_id: uuid.UUID) -> Any:
    """Per language: recipients, the text as it will arrive, its parts and cost, reviewed."""
    config = settings()
    pricing = batches.Pricing(config.price_per_segment, config.price_currency, config.prices)
    return batches.preview(unit_of_work(), current_principal(), batch_id, pricing)


@blp.post("/<uuid:batch_id>/approve")
@require("staff", "admin")
@blp.arguments(ApproveIn)
@blp.response(200, BatchOut)
def approve(body: dict[str, Any], batch_id: uuid.UUID) -> Any:
    """Send now, or at `send_at`; both within the trial's sending window."""
    return batches.approve(
        unit_of_work(),
        current_principal(),
        batch_id,
        send_at=body["send_at"],
        allow_unreviewed=body["allow_unreviewed"],
    )


@blp.post("/<uuid:batch_id>/pause")
@require("staff", "admin")
@blp.arguments(NoteIn)
@blp.response(200, BatchOut)
def pause(_: dict[str, Any], batch_id: uuid.UUID) -> Any:
    return batches.pause(unit_of_work(), current_principal(), batch_id)


@blp.post("/<uuid:batch_id>/resume")
@require("staff", "admin")
@blp.arguments(NoteIn)
@blp.response(200, BatchOut)
def resume(_: dict[str, Any], batch_id: uuid.UUID) -> Any:
    return batches.resume(unit_of_work(), current_principal(), batch_id)


@blp.post("/<uuid:batch_id>/cancel")
@require("staff", "admin")
@blp.arguments(NoteIn)
@blp.response(200, BatchOut)
def cancel(_: dict[str, Any], batch_id: uuid.UUID) -> Any:
    return batches.cancel(unit_of_work(), current_principal(), batch_id)


@blp.get("/<uuid:batch_id>/report")
@require("staff", "admin")
@blp.response(200, ReportOut)
def report(batch_id: uuid.UUID) -> Any:
    """Live progress: queued, sent, delivered, failed by reason, and replies by intent."""
    return batches.report(unit_of_work(), current_principal(), batch_id)

"""Callback tasks: patients who asked for a person to ring them (decision 28)."""

from __future__ import annotations

import uuid
from typing import Any

from flask_smorest import Blueprint

from services.messaging.entrypoints.api.callback_schemas import (
    AssignIn,
    CallbackDetailOut,
    CallbackOut,
    CallbackQuery,
    CloseIn,
    WaitingOut,
    WaitingQuery,
)
from services.messaging.entrypoints.context import unit_of_work
from services.messaging.service_layer import callbacks
from shared.http.auth import current_principal, require

blp = Blueprint("callbacks", __name__, url_prefix="", description="Callback tasks")


@blp.get("/callbacks")
@require("staff", "coordinator", "researcher", "admin")
@blp.arguments(CallbackQuery, location="query")
@blp.response(200, CallbackOut(many=True))
def list_callbacks(query: dict[str, Any]) -> Any:
    """Open callbacks (or those in `state`), oldest first: staff see their practices',
    coordinators their trials'."""
    return callbacks.list_tasks(unit_of_work(), current_principal(), **query)


@blp.get("/callbacks/waiting")
@require("staff", "coordinator", "researcher", "admin")
@blp.arguments(WaitingQuery, location="query")
@blp.response(200, WaitingOut)
def waiting(query: dict[str, Any]) -> Any:
    """How long patients waited for the callbacks closed in a period: median and longest."""
    found = callbacks.waiting(unit_of_work(), current_principal(), **query)
    summary = found.summary
    return {
        "since": found.since,
        "until": found.until,
        "closed": summary.closed,
        "median_seconds": int(summary.median.total_seconds()) if summary.median else None,
        "longest_seconds": int(summary.longest.total_seconds()) if summary.longest else None,
    }


@blp.get("/callbacks/<uuid:task_id>")
@require("staff", "coordinator", "researcher", "admin")
@blp.response(200, CallbackDetailOut)
def show(task_id: uuid.UUID) -> Any:
    """One callback with the conversation so far."""
    return callbacks.show_task(unit_of_work(), current_principal(), task_id)


@blp.post("/callbacks/<uuid:task_id>/assign")
@require("staff", "admin")
@blp.arguments(AssignIn)
@blp.response(200, CallbackOut)
def assign(body: dict[str, Any], task_id: uuid.UUID) -> Any:
    """Take it yourself (no name), or give it to a named colleague."""
    return callbacks.assign(unit_of_work(), current_principal(), task_id, body["assign_to"])


@blp.post("/callbacks/<uuid:task_id>/close")
@require("staff", "coordinator", "researcher", "admin")
@blp.arguments(CloseIn)
@blp.response(200, CallbackOut)
def close(body: dict[str, Any], task_id: uuid.UUID) -> Any:
    """Record the outcome of the call. Coordinators only for a call assigned to them."""
    return callbacks.close(
        unit_of_work(), current_principal(), task_id, body["outcome"], body["note"]
    )

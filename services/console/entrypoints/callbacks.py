"""Callbacks: patients who asked for a person to ring them, oldest first, with how long they
have waited, their language and whether to book an interpreter; assign and record the
outcome; how long patients waited over a period (decision 28)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from datetime import timedelta
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from services.console.adapters.api_client import ApiProblem
from services.console.domain.callbacks import OUTCOMES, PERIODS, STATES, row, waited
from services.console.domain.form_errors import FormErrors
from services.console.domain.navigation import may_open
from services.console.domain.review_inbox import card
from services.console.entrypoints.forms import refused
from services.console.entrypoints.session import client, current_user, signed_in
from shared import clock
from shared.auth.principal import TRIAL_SCOPED

bp = Blueprint("callbacks", __name__, url_prefix="/callbacks")

ASSIGN_FIELDS = {"assign_to": "Colleague's name"}
CLOSE_FIELDS = {"outcome": "Outcome", "note": "Note"}


@bp.get("")
@signed_in
def index() -> str:
    state = request.args.get("state", "")
    state = state if state in dict(STATES) else ""
    days = _period()
    tasks = client("messaging").get("/callbacks", state=state or None)
    people = _patients(t["participant_id"] for t in tasks)
    now = clock.now()
    summary = client("messaging").get(
        "/callbacks/waiting",
        since=(now - timedelta(days=days)).isoformat(),
        until=now.isoformat(),
    )
    return render_template(
        "console/callbacks/index.html",
        rows=[row(t, people.get(t["participant_id"])) for t in tasks],
        state=state,
        states=STATES,
        days=days,
        periods=PERIODS,
        summary={
            "closed": summary["closed"],
            "median": waited(summary["median_seconds"]),
            "longest": waited(summary["longest_seconds"]),
        },
        may_assign=current_user().role not in TRIAL_SCOPED,
    )


def _period() -> int:
    chosen = request.args.get("days", "30")
    return int(chosen) if chosen in {str(d) for d, _ in PERIODS} else 30


def _patients(ids: Iterable[str]) -> Mapping[str, Mapping[str, Any]]:
    """Names for practice staff, with their own token; the research team never sees names."""
    if current_user().role in TRIAL_SCOPED:
        return {}
    registry, found = client("registry"), {}
    for participant_id in set(ids):
        try:
            found[participant_id] = registry.get(f"/participants/{participant_id}")
        except ApiProblem as problem:
            if problem.status not in (403, 404):
                raise
    return found


@bp.get("/<uuid:task_id>")
@signed_in
def task(task_id: uuid.UUID) -> str:
    return _task_page(task_id)


def _task_page(task_id: uuid.UUID, errors: FormErrors | None = None, status: int = 200) -> Any:
    found = client("messaging").get(f"/callbacks/{task_id}")
    people = _patients([found["participant_id"]])
    # The conversation is drawn as in the review inbox.
    thread = card(
        {
            "id": found["id"],
            "body": "",
            "received_at": found["opened_at"],
            "language": found["language"],
            "conversation": found["conversation"],
        },
        None,
    ).conversation
    page = render_template(
        "console/callbacks/task.html",
        task=row(found, people.get(found["participant_id"])),
        raw=found,
        conversation=thread,
        outcomes=OUTCOMES,
        errors=errors,
        form=request.form if errors else {},
        may_assign=current_user().role not in TRIAL_SCOPED,
        may_close=current_user().role not in TRIAL_SCOPED
        or found.get("assigned_to") == current_user().name,
        phone_consent=_phone_consent(found),
    )
    return (page, status) if status != 200 else page


def _phone_consent(task: Mapping[str, Any]) -> str | None:
    """The research team's consent-by-phone page for this patient and trial, where the user
    may open it (researchers); else None."""
    if not task.get("trial_id") or not may_open(current_user().role, "research.phone"):
        return None
    return url_for(
        "research.phone",
        trial_id=task["trial_id"],
        participant=task["participant_id"],
        language=task["language"],
    )


@bp.post("/<uuid:task_id>/assign")
@signed_in
def assign(task_id: uuid.UUID) -> Any:
    to_me = request.form.get("to") == "me"
    name = None if to_me else request.form.get("assign_to", "").strip()
    if not to_me and not name:
        return _task_page(task_id, _one("assign_to", "Enter a colleague's name"), 422)
    try:
        done = client("messaging").post(f"/callbacks/{task_id}/assign", {"assign_to": name})
    except ApiProblem as problem:
        return _task_page(task_id, refused(problem, ASSIGN_FIELDS), problem.status)
    flash(f"Callback assigned to {done['assigned_to']}.")
    return _back(task_id)


@bp.post("/<uuid:task_id>/close")
@signed_in
def close(task_id: uuid.UUID) -> Any:
    outcome = request.form.get("outcome", "")
    if outcome not in dict(OUTCOMES):
        return _task_page(task_id, _one("outcome", "Choose the outcome of the call"), 422)
    note = request.form.get("note", "").strip() or None
    try:
        client("messaging").post(f"/callbacks/{task_id}/close", {"outcome": outcome, "note": note})
    except ApiProblem as problem:
        return _task_page(task_id, refused(problem, CLOSE_FIELDS), problem.status)
    flash(f"Outcome recorded: {dict(OUTCOMES)[outcome].lower()}.")
    return redirect(url_for("callbacks.index"))


def _one(field: str, message: str) -> FormErrors:
    return FormErrors({field: [message]}, [(field, message)])


def _back(task_id: uuid.UUID) -> Response:
    if request.form.get("back") == "list":
        return redirect(url_for("callbacks.index"))
    return redirect(url_for("callbacks.task", task_id=task_id))

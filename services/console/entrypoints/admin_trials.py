"""Admins: trials, and how each one's texts go out (messaging's settings for it)."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from services.console.adapters.api_client import ApiProblem
from services.console.domain.trial_settings import messaging_settings_body, new_trial_body
from services.console.entrypoints.forms import refused
from services.console.entrypoints.session import client, signed_in

bp = Blueprint("trials", __name__, url_prefix="/trials")
TRIAL_FIELDS = ("short_name", "title", "sponsor", "response_deadline_days", "languages")
SETTINGS_FIELDS = ("info_url", "reminder_days", "window", "days", "start", "end")


@bp.get("")
@signed_in
def index() -> str:
    return _index_page()


@bp.post("")
@signed_in
def create() -> Response | tuple[str, int]:
    body = new_trial_body(request.form, request.form.getlist("languages"))
    try:
        trial = client("registry").post("/trials", body)
    except ApiProblem as problem:
        return _index_page(errors=refused(problem, TRIAL_FIELDS), form=body), problem.status
    flash(f"Trial {trial['short_name']} added. Next: its consent form and its texts.")
    return redirect(url_for(".trial", trial_id=trial["id"]))


def _index_page(**context: Any) -> str:
    return render_template(
        "console/admin/trials.html", trials=client("registry").get("/trials"), **context
    )


@bp.get("/<uuid:trial_id>")
@signed_in
def trial(trial_id: uuid.UUID) -> str:
    return _trial_page(trial_id)


@bp.post("/<uuid:trial_id>/messaging-settings")
@signed_in
def update_settings(trial_id: uuid.UUID) -> Response | tuple[str, int]:
    body = messaging_settings_body(request.form)
    try:
        client("messaging").patch(f"/trials/{trial_id}/messaging-settings", body)
    except ApiProblem as problem:
        errors = refused(problem, SETTINGS_FIELDS)
        return _trial_page(trial_id, errors=errors, form=body), problem.status
    flash("Messaging settings saved")
    return redirect(url_for(".trial", trial_id=trial_id))


@bp.post("/<uuid:trial_id>/confirmation")
@signed_in
def update_confirmation(trial_id: uuid.UUID) -> Response:
    required = request.form.get("required") == "yes"
    client("consent").put(f"/trials/{trial_id}/confirmation", {"required": required})
    flash(
        "Signed patients now wait for the research team's confirmation"
        if required
        else "Signed patients are consented at once"
    )
    return redirect(url_for(".trial", trial_id=trial_id))


def _confirmation(trial_id: uuid.UUID) -> Any:
    """Whether the trial asks for the research team's confirmation (decision 0032); None
    until the trial has reached consent (an event, a moment after the registry has it)."""
    try:
        return client("consent").get(f"/trials/{trial_id}/confirmation")
    except ApiProblem as problem:
        if problem.status != 404:
            raise
        return None


def _trial_page(trial_id: uuid.UUID, **context: Any) -> str:
    found = client("registry").get(f"/trials/{trial_id}")
    try:
        settings = client("messaging").get(f"/trials/{trial_id}/messaging-settings")
    except ApiProblem as problem:
        # A new trial reaches messaging as an event, a moment after the registry has it.
        if problem.status != 404:
            raise
        settings = None
    return render_template(
        "console/admin/trial.html",
        trial=found,
        settings=settings,
        confirmation=_confirmation(trial_id),
        **context,
    )

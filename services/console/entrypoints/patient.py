"""A patient's page for practice staff: their details, language and trials, and the consent
page's lock and link per trial."""

from __future__ import annotations

import uuid
from dataclasses import replace
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from services.console.adapters.api_client import ApiProblem
from services.console.domain.channel_form import (
    CHANNEL_FIELDS,
    CHANNEL_OPTIONS,
    channel_choice,
    channel_name,
)
from services.console.domain.form_errors import place
from services.console.domain.formats import language_name
from services.console.domain.language_form import (
    CHOOSE,
    LANGUAGE_FIELDS,
    aimed,
    language_correction,
    language_options,
)
from services.console.domain.review_inbox import uk_time
from services.console.entrypoints.forms import refused
from services.console.entrypoints.session import client, signed_in
from services.console.entrypoints.staff import bp, trial_names


@bp.get("/patients/<uuid:participant_id>")
@signed_in
def participant(participant_id: uuid.UUID) -> str:
    return _participant_page(participant_id)


@bp.post("/patients/<uuid:participant_id>/language")
@signed_in
def set_language(participant_id: uuid.UUID) -> Response | tuple[str, int]:
    """Staff correct a language the list did not say or said wrongly (an unknown one, after
    asking the patient); the registry reads the name or code and refuses what it cannot."""
    body, source = language_correction(request.form)
    if not body:
        errors, status = place([{"field": "language", "reason": CHOOSE}], LANGUAGE_FIELDS), 400
    else:
        try:
            found = client("registry").patch(f"/participants/{participant_id}", body)
        except ApiProblem as problem:
            aimed_problem = replace(problem, errors=aimed(problem.errors, source))
            errors, status = refused(aimed_problem, LANGUAGE_FIELDS), problem.status
        else:
            flash(f"Language set to {language_name(found['language'])}.")
            return redirect(url_for("staff.participant", participant_id=participant_id))
    return _participant_page(participant_id, errors=errors, typed=request.form), status


@bp.post("/patients/<uuid:participant_id>/channel")
@signed_in
def set_channel(participant_id: uuid.UUID) -> Response | tuple[str, int]:
    """Staff record how the patient would rather be reached, after asking them."""
    try:
        found = client("registry").patch(
            f"/participants/{participant_id}", channel_choice(request.form.to_dict())
        )
    except ApiProblem as problem:
        errors = refused(problem, CHANNEL_FIELDS)
        return _participant_page(participant_id, errors=errors), problem.status
    flash(f"Preferred channel set to {channel_name(found.get('preferred_channel'))}.")
    return redirect(url_for("staff.participant", participant_id=participant_id))


def _participant_page(participant_id: uuid.UUID, **context: Any) -> str:
    found = client("registry").get(f"/participants/{participant_id}")
    # Consent per trial: the study numbers (only the practice may link them to the patient)
    # and whether the consent page has locked the patient out.
    try:
        consent = client("consent").get(f"/participants/{participant_id}/consent")["trials"]
    except ApiProblem as problem:
        if problem.status != 404:
            raise
        consent = []  # consent has not heard of the patient yet: nobody invited them
    for trial in consent:
        trial["locked_until_uk"] = uk_time(trial["locked_until"]) if trial["locked_until"] else None
    return render_template(
        "console/staff/participant.html",
        participant=found,
        trial_names=trial_names(),
        consent=consent,
        address=_address(participant_id),
        language_options=language_options(),
        channel_options=CHANNEL_OPTIONS,
        channel_name=channel_name,
        **context,
    )


def _address(participant_id: uuid.UUID) -> dict[str, Any] | None:
    """For letters (decision 0029): staff of the patient's practice only, as the API says."""
    try:
        found: dict[str, Any] = client("registry").get(f"/participants/{participant_id}/address")
    except ApiProblem as problem:
        if problem.status != 404:
            raise
        return None
    return found


@bp.post("/patients/<uuid:participant_id>/trials/<uuid:trial_id>/lift-lock")
@signed_in
def lift_lock(participant_id: uuid.UUID, trial_id: uuid.UUID) -> Response:
    done = client("consent").post(f"/participants/{participant_id}/trials/{trial_id}/lock/lift", {})
    flash(
        "Lock lifted. The patient can confirm their details again with the same link."
        if done["lifted"]
        else "The link was not locked."
    )
    return redirect(url_for("staff.participant", participant_id=participant_id))


@bp.post("/patients/<uuid:participant_id>/trials/<uuid:trial_id>/new-link")
@signed_in
def new_link(participant_id: uuid.UUID, trial_id: uuid.UUID) -> Response:
    client("consent").post(f"/participants/{participant_id}/trials/{trial_id}/new-link", {})
    flash("A new link is on its way by text. The old link no longer works.")
    return redirect(url_for("staff.participant", participant_id=participant_id))

"""Researchers: records awaiting the research team's confirmation, the consent discussion,
witness, legal representative and countersignature, and consent by phone (decision 0032).
Participants are named by study number; a callback may link here with the participant."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from services.console.adapters.api_client import ApiProblem
from services.console.domain import research
from services.console.domain.form_errors import FormErrors
from services.console.entrypoints.forms import refused
from services.console.entrypoints.session import client, signed_in
from shared import languages
from shared.study_numbers import looks_like_one

bp = Blueprint("research", __name__, url_prefix="/research")
AWAITING = "awaiting_confirmation"
BY_PHONE_FROM = ("invited", "interested", "link_sent", "expired")


@bp.get("")
@signed_in
def trials() -> str:
    return render_template("console/research/trials.html", trials=client("registry").get("/trials"))


@bp.get("/trials/<uuid:trial_id>")
@signed_in
def trial(trial_id: uuid.UUID) -> str | Response:
    wanted = request.args.get("study_number", "").strip().upper()
    if wanted and looks_like_one(wanted):
        return redirect(url_for(".record", trial_id=trial_id, study_number=wanted))
    return render_template(
        "console/research/trial.html",
        trial=client("registry").get(f"/trials/{trial_id}"),
        awaiting=client("consent").get(
            f"/trials/{trial_id}/consent-records", status=AWAITING, limit=200
        ),
        not_found=bool(wanted),
    )


def _record_path(trial_id: uuid.UUID, study_number: str) -> str:
    if not looks_like_one(study_number):
        abort(404)
    return f"/trials/{trial_id}/consent-records/{study_number}"


def _record_page(
    trial_id: uuid.UUID, study_number: str, status: int = 200, **context: Any
) -> tuple[str, int]:
    path = _record_path(trial_id, study_number)
    consent = client("consent")
    found = consent.get(path)
    page = render_template(
        "console/research/record.html",
        trial_id=trial_id,
        record=found,
        attestations=consent.get(f"{path}/attestations")["items"],
        awaiting=found["status"] == AWAITING,
        by_phone=found["status"] in BY_PHONE_FROM,
        modes=research.MODES,
        relationships=research.RELATIONSHIPS,
        languages=languages.LANGUAGES,
        **context,
    )
    return page, status


@bp.get("/trials/<uuid:trial_id>/participants/<study_number>")
@signed_in
def record(trial_id: uuid.UUID, study_number: str) -> tuple[str, int]:
    return _record_page(trial_id, study_number)


DONE = {
    "discussion": "Consent discussion recorded",
    "witness": "Witness's statement recorded",
    "representative": "Legal representative's signature recorded",
    "countersignature": "Countersigned: the patient is now consented",
}


@bp.post("/trials/<uuid:trial_id>/participants/<study_number>/<action>")
@signed_in
def attest(trial_id: uuid.UUID, study_number: str, action: str) -> Any:
    if action not in research.ACTIONS:
        abort(404)
    path = _record_path(trial_id, study_number)
    try:
        client("consent").post(f"{path}/{action}", research.body(action, request.form))
    except ApiProblem as problem:
        errors = refused(problem, research.FIELDS[action])
        return _record_page(
            trial_id, study_number, problem.status, errors={action: errors}, form=request.form
        )
    flash(DONE[action])
    return redirect(url_for(".record", trial_id=trial_id, study_number=study_number))


@bp.get("/trials/<uuid:trial_id>/phone-consent")
@signed_in
def phone(trial_id: uuid.UUID) -> tuple[str, int]:
    return _phone_page(trial_id)


def _phone_page(
    trial_id: uuid.UUID, status: int = 200, errors: FormErrors | None = None
) -> tuple[str, int]:
    source = request.form if request.method == "POST" else request.args
    published = [
        f for f in client("consent").get(f"/trials/{trial_id}/forms") if f["status"] == "published"
    ]
    if not published:
        abort(409, "This trial has no published consent form to read out yet.")
    form = max(published, key=lambda f: f["version"])
    language = source.get("language") or source.get("lang") or "en"
    if language not in form["translations"]:
        language = "en"
    page = render_template(
        "console/research/phone.html",
        trial=client("registry").get(f"/trials/{trial_id}"),
        form=form,
        language=language,
        translation=form["translations"][language],
        languages=languages.LANGUAGES,
        study_number=source.get("study_number", ""),
        participant=source.get("participant", ""),
        values=source,
        errors=errors,
    )
    return page, status


@bp.post("/trials/<uuid:trial_id>/phone-consent")
@signed_in
def take_phone_consent(trial_id: uuid.UUID) -> Any:
    keys = request.form.getlist("item_keys")
    try:
        done = client("consent").post(
            f"/trials/{trial_id}/phone-consent", research.phone_body(request.form, keys)
        )
    except ApiProblem as problem:
        return _phone_page(trial_id, problem.status, refused(problem, research.FIELDS["phone"]))
    status = str(done["status"]).replace("_", " ")  # "awaiting confirmation", as the page shows
    flash(f"Consent by phone recorded for {done['study_number']}: {status}")
    return redirect(url_for(".record", trial_id=trial_id, study_number=done["study_number"]))

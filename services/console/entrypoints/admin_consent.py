"""Admins: consent form versions per trial, their translations, and what the patient sees."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from services.console.adapters.api_client import ApiProblem
from services.console.domain.consent_forms import (
    ITEM_ROWS,
    copy_body,
    current_version,
    new_version_body,
    translation_from,
    with_translation,
)
from services.console.domain.form_questions import with_question_words
from services.console.entrypoints.admin_questions import question_page, saved_question
from services.console.entrypoints.forms import refused
from services.console.entrypoints.session import client, signed_in

bp = Blueprint("consent", __name__, url_prefix="/consent-forms")
FORM_FIELDS = ("items", "title", "summary", "sheet_url", "language", "ethics_reference")


@bp.get("")
@signed_in
def index() -> str:
    return render_template(
        "console/admin/consent_trials.html", trials=client("registry").get("/trials")
    )


@bp.get("/<uuid:trial_id>")
@signed_in
def forms(trial_id: uuid.UUID) -> str:
    return _forms_page(trial_id)


@bp.post("/<uuid:trial_id>")
@signed_in
def create(trial_id: uuid.UUID) -> Response | tuple[str, int]:
    body = new_version_body(request.form)
    try:
        made = client("consent").post(f"/trials/{trial_id}/forms", body)
    except ApiProblem as problem:
        errors = refused(problem, FORM_FIELDS)
        return _forms_page(trial_id, errors=errors, form=request.form), problem.status
    flash(f"Draft version {made['version']} saved. Add its translations, then publish it.")
    return redirect(url_for(".version", trial_id=trial_id, version=made["version"]))


def _forms_page(trial_id: uuid.UUID, **context: Any) -> str:
    versions = client("consent").get(f"/trials/{trial_id}/forms")
    return render_template(
        "console/admin/consent_forms.html",
        trial=client("registry").get(f"/trials/{trial_id}"),
        versions=list(reversed(versions)),
        current=current_version(versions),
        item_rows=ITEM_ROWS,
        **context,
    )


@bp.get("/<uuid:trial_id>/<int:version>")
@signed_in
def version(trial_id: uuid.UUID, version: int) -> str:
    return _version_page(trial_id, version)


@bp.post("/<uuid:trial_id>/<int:version>/copy")
@signed_in
def copy(trial_id: uuid.UUID, version: int) -> Response:
    consent = client("consent")
    source = consent.get(f"/trials/{trial_id}/forms/{version}")
    made = consent.post(f"/trials/{trial_id}/forms", copy_body(source))
    flash(f"Draft version {made['version']} started from version {version}")
    return redirect(url_for(".version", trial_id=trial_id, version=made["version"]))


@bp.post("/<uuid:trial_id>/<int:version>/translations")
@signed_in
def add_translation(trial_id: uuid.UUID, version: int) -> Response | tuple[str, int]:
    consent = client("consent")
    path = f"/trials/{trial_id}/forms/{version}"
    form = consent.get(path)
    language = request.form.get("language", "")
    translation = with_question_words(
        translation_from(request.form, [i["key"] for i in form["items"]]), form, request.form
    )
    try:
        consent.put(path, with_translation(form, language, translation))
    except ApiProblem as problem:
        errors = refused(problem, FORM_FIELDS)
        page = _version_page(trial_id, version, errors=errors, form=request.form)
        return page, problem.status
    flash(f"Translation saved in version {version}")
    return redirect(url_for(".version", trial_id=trial_id, version=version) + f"#lang-{language}")


@bp.post("/<uuid:trial_id>/<int:version>/publish")
@signed_in
def publish(trial_id: uuid.UUID, version: int) -> Response | tuple[str, int]:
    reference = request.form.get("ethics_reference", "").strip()
    try:
        published = client("consent").post(
            f"/trials/{trial_id}/forms/{version}/publish", {"ethics_reference": reference}
        )
    except ApiProblem as problem:
        errors = refused(problem, FORM_FIELDS)
        page = _version_page(trial_id, version, errors=errors, form=request.form)
        return page, problem.status
    flash(
        f"Version {version} published; patients are now asked to agree to it. "
        f"{published['links_requested']} patients will be texted a link in the next minutes."
    )
    return redirect(url_for(".version", trial_id=trial_id, version=version))


@bp.get("/<uuid:trial_id>/<int:version>/questions/<key>")
@signed_in
def question(trial_id: uuid.UUID, version: int, key: str) -> str:
    """One understanding question of a draft ("new" for a new one), in each language."""
    return question_page(trial_id, version, key)


@bp.post("/<uuid:trial_id>/<int:version>/questions/<key>")
@signed_in
def save_question(trial_id: uuid.UUID, version: int, key: str) -> Response | tuple[str, int]:
    return saved_question(trial_id, version, key)


@bp.post("/<uuid:trial_id>/<int:version>/questions/<key>/remove")
@signed_in
def remove_question(trial_id: uuid.UUID, version: int, key: str) -> Response:
    client("consent").delete(f"/trials/{trial_id}/forms/{version}/questions/{key}")
    flash(f"Question {key} removed from version {version}")
    return redirect(url_for(".version", trial_id=trial_id, version=version) + "#questions")


def _version_page(trial_id: uuid.UUID, version: int, **context: Any) -> str:
    consent = client("consent")
    return render_template(
        "console/admin/consent_form.html",
        trial=client("registry").get(f"/trials/{trial_id}"),
        version=consent.get(f"/trials/{trial_id}/forms/{version}"),
        current=current_version(consent.get(f"/trials/{trial_id}/forms")),
        **context,
    )

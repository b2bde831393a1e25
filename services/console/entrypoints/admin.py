"""Admins: practices and access tokens here; trials, consent forms and templates in their own
modules, each a blueprint inside this one, so every admin page is in the "admin" area."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from werkzeug.wrappers import Response

from services.console.adapters.api_client import ApiProblem
from services.console.domain.language_coverage import trial_forms, trial_texts
from services.console.entrypoints import (
    admin_consent,
    admin_recordings,
    admin_templates,
    admin_trials,
)
from services.console.entrypoints.session import client, signed_in
from shared import i18n, languages

bp = Blueprint("admin", __name__, url_prefix="/admin")
for part in (admin_trials.bp, admin_consent.bp, admin_templates.bp, admin_recordings.bp):
    bp.register_blueprint(part)


@bp.get("/languages")
@signed_in
def page_words() -> str:
    """Per language: the page words and shipped texts translated, and who reviewed them."""
    return render_template(
        "console/admin/languages.html",
        rows=i18n.coverage(),
        names={code: lang.name for code, lang in languages.LANGUAGES.items()},
    )


@bp.get("/languages/<code>")
@signed_in
def language(code: str) -> str:
    """One language: its page words, then each trial's texts and consent form versions."""
    if not languages.is_text_language(code):
        abort(404)
    words = next((row for row in i18n.coverage() if row.code == code), None)
    messaging, consent = client("messaging"), client("consent")
    trials = client("registry").get("/trials")
    shipped = messaging.get("/templates", shipped="true")
    texts = [
        trial_texts(code, trial, messaging.get("/templates", trial_id=trial["id"]), shipped)
        for trial in trials
    ]
    forms = [trial_forms(code, t, consent.get(f"/trials/{t['id']}/forms")) for t in trials]
    return render_template(
        "console/admin/language.html",
        code=code,
        name=languages.LANGUAGES[code].name,
        words=words,
        texts=texts,
        forms=forms,
        names={c: lang.name for c, lang in languages.LANGUAGES.items()},
    )


@bp.get("/practices")
@signed_in
def practices() -> str:
    return render_template(
        "console/admin/practices.html", practices=client("registry").get("/practices")
    )


@bp.post("/practices")
@signed_in
def add_practice() -> Response | tuple[str, int]:
    form = {
        "ods_code": request.form.get("ods_code", "").strip().upper(),
        "name": request.form.get("name", "").strip(),
    }
    try:
        client("registry").post("/practices", form)
    except ApiProblem as problem:
        if problem.status not in (409, 422):
            raise
        page = render_template(
            "console/admin/practices.html",
            practices=client("registry").get("/practices"),
            problem=problem,
            form=form,
        )
        return page, problem.status
    flash(f"Practice {form['ods_code']} added")
    return redirect(url_for("admin.practices"))


@bp.get("/tokens")
@signed_in
def tokens() -> str:
    # A token just issued is shown on this one page view, then forgotten.
    return _tokens_page(issued=session.pop("issued_token", None))


@bp.post("/tokens")
@signed_in
def issue_token() -> Response | tuple[str, int]:
    body = {
        "name": request.form.get("name", "").strip(),
        "role": request.form.get("role", ""),
        "practices": [
            code.strip().upper()
            for code in request.form.get("practices", "").split(",")
            if code.strip()
        ],
        "trials": request.form.getlist("trials"),
    }
    try:
        issued = client("registry").post("/tokens", body)
    except ApiProblem as problem:
        if problem.status not in (409, 422):
            raise
        return _tokens_page(problem=problem, form=body), problem.status
    # Redirect, so that reloading the page cannot issue a second token.
    session["issued_token"] = {"name": issued["name"], "token": issued["token"]}
    return redirect(url_for("admin.tokens"))


def _tokens_page(**context: Any) -> str:
    registry = client("registry")
    return render_template(
        "console/admin/tokens.html",
        tokens=registry.get("/tokens"),
        trials=registry.get("/trials"),
        **context,
    )


@bp.post("/tokens/<uuid:token_id>/revoke")
@signed_in
def revoke_token(token_id: uuid.UUID) -> Response:
    revoked = client("registry").delete(f"/tokens/{token_id}")
    flash(f"Token of {revoked['name']} revoked")
    return redirect(url_for("admin.tokens"))

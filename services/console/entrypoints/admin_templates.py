"""Admins: message templates per trial, kind and language; new versions with a live count of
characters, encoding, parts and cost (counted by messaging); the reviewed flag."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from services.console.adapters.api_client import ApiProblem
from services.console.domain.templates import PLACEHOLDER_NEXT_STEP, in_use, kind_name
from services.console.entrypoints.forms import refused
from services.console.entrypoints.session import client, signed_in

bp = Blueprint("templates", __name__, url_prefix="/templates")
TEMPLATE_FIELDS = ("kind", "language", "body", "reply_with")


@bp.get("")
@signed_in
def index() -> str:
    trial_id = request.args.get("trial", "")
    kind = request.args.get("kind", "invitation")
    rows, kinds = _in_use(trial_id)
    return render_template(
        "console/admin/templates.html",
        trials=client("registry").get("/trials"),
        trial_id=trial_id,
        kind=kind,
        kinds=kinds,
        rows=[r for r in rows if not kind or r.kind == kind],
        kind_name=kind_name,
    )


def _in_use(trial_id: str, kind: str | None = None, language: str | None = None) -> Any:
    messaging = client("messaging")
    shipped = messaging.get("/templates", shipped="true", kind=kind, language=language)
    own = (
        messaging.get("/templates", trial_id=trial_id, kind=kind, language=language)
        if trial_id
        else []
    )
    rows = in_use(own, shipped)
    return rows, list(dict.fromkeys(t["kind"] for t in shipped))


@bp.get("/edit")
@signed_in
def edit() -> str:
    return _editor(request.args)


@bp.post("/edit")
@signed_in
def save() -> Response | tuple[str, int]:
    form = request.form
    if form.get("action") == "check":
        text = form.get("body", "")
        return _editor(form, body=text, count=_count(text), reply_with=form.get("reply_with")), 200
    trial_id = form.get("trial", "")
    text = form.get("body", "")
    body = {
        "trial_id": trial_id or None,
        "kind": form.get("kind", ""),
        "language": form.get("language", ""),
        "body": text,
        "reply_with": form.get("reply_with", "words"),
    }
    try:
        saved = client("messaging").post("/templates", body)
    except ApiProblem as problem:
        errors = refused(problem, TEMPLATE_FIELDS)
        reply_with = form.get("reply_with")
        page = _editor(form, body=text, count=_count(text), errors=errors, reply_with=reply_with)
        return page, problem.status
    flash(
        f"Version {saved['version']} saved. It is not reviewed yet: a fluent reader should "
        "check it, then mark it reviewed below."
    )
    return redirect(_editor_url(trial_id, saved["kind"], saved["language"]))


def _editor(args: Any, **context: Any) -> str:
    trial_id = args.get("trial", "")
    kind, language = args.get("kind", "invitation"), args.get("language", "en")
    rows, kinds = _in_use(trial_id, kind, language)
    current = next((r for r in rows if (r.kind, r.language) == (kind, language)), None)
    text = context.pop("body", current.template["body"] if current else "")
    return render_template(
        "console/admin/template_form.html",
        trial=client("registry").get(f"/trials/{trial_id}") if trial_id else None,
        kind=kind,
        language=language,
        kinds=kinds or [kind],
        current=current,
        current_count=_count(current.template["body"]) if current else None,
        text=text,
        next_step=PLACEHOLDER_NEXT_STEP,
        kind_name=kind_name,
        **context,
    )


def _editor_url(trial_id: str, kind: str, language: str) -> str:
    return url_for(".edit", trial=trial_id or None, kind=kind, language=language)


def _count(text: str) -> dict[str, Any]:
    counted: dict[str, Any] = client("messaging").post("/segments", {"text": text})
    return counted


@bp.post("/<uuid:template_id>/review")
@signed_in
def review(template_id: uuid.UUID) -> Response:
    reviewed = client("messaging").post(f"/templates/{template_id}/review", {})
    flash(f"Version {reviewed['version']} marked reviewed")
    trial_id = request.form.get("trial", "")
    return redirect(_editor_url(trial_id, reviewed["kind"], reviewed["language"]))


@bp.post("/segments")
@signed_in
def segments() -> tuple[Response, int]:
    """The live counter's JSON: messaging's count, and the words the page shows for it."""
    try:
        counted = _count(request.form.get("text", ""))
    except ApiProblem as problem:
        return jsonify(title=problem.title, detail=problem.detail, errors=problem.errors), (
            problem.status
        )
    html = render_template("console/admin/_segment_count.html", count=counted)
    return jsonify({**counted, "html": html}), 200

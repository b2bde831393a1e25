"""Admins: one understanding question of a draft consent form version, in each of its
languages (decision 35). The routes are the consent-forms blueprint's (admin_consent.py)."""

from __future__ import annotations

import uuid
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from services.console.adapters.api_client import ApiProblem
from services.console.domain.form_errors import place
from services.console.domain.form_questions import (
    MAX_QUESTIONS,
    OPTION_ROWS,
    error_field,
    field_labels,
    question_body,
    question_fields,
)
from services.console.entrypoints.forms import CORRECTABLE
from services.console.entrypoints.session import client
from shared import languages

NEW = "new"


def _names(form: dict[str, Any]) -> dict[str, str]:
    return {
        code: languages.LANGUAGES[code].name if code in languages.LANGUAGES else code
        for code in sorted(form["translations"], key=lambda c: (c != "en", c))
    }


def question_page(
    trial_id: uuid.UUID, version: int, key: str, status: int = 200, **context: Any
) -> Any:
    form = client("consent").get(f"/trials/{trial_id}/forms/{version}")
    context.setdefault("fields", question_fields(form, key))
    page = render_template(
        "console/admin/consent_question.html",
        trial=client("registry").get(f"/trials/{trial_id}"),
        version=form,
        key=key,
        new=key == NEW,
        names=_names(form),
        rows=OPTION_ROWS,
        full=len(form.get("questions") or []) >= MAX_QUESTIONS,
        **context,
    )
    return (page, status) if status != 200 else page


def saved_question(trial_id: uuid.UUID, version: int, key: str) -> Response | tuple[str, int]:
    consent = client("consent")
    form = consent.get(f"/trials/{trial_id}/forms/{version}")
    wanted = (request.form.get("key", "").strip().lower() if key == NEW else key) or "_"
    body = question_body(request.form, form["translations"])
    try:
        consent.put(f"/trials/{trial_id}/forms/{version}/questions/{wanted}", body)
    except ApiProblem as problem:
        if problem.status not in CORRECTABLE:
            raise
        errors = [
            {"field": error_field(e["field"], body["options"]), "reason": e["reason"]}
            for e in problem.errors or [{"field": "_", "reason": problem.detail or ""}]
        ]
        placed = place(errors, field_labels(_names(form)))
        return question_page(
            trial_id, version, key, problem.status, errors=placed, fields=request.form
        )
    flash(f"Question {wanted} saved in version {version}")
    return redirect(url_for(".version", trial_id=trial_id, version=version) + "#questions")

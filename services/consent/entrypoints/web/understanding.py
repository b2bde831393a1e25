"""The understanding questions' page, between identity and the form (issue 18 item 6)."""

from __future__ import annotations

from typing import Any

from flask import Response, redirect, request
from werkzeug.wrappers import Response as BaseResponse

from services.consent.entrypoints.web.pages import (
    _base,
    _form_language,
    _language,
    _page_for,
    _render,
    _uow,
    bp,
    identified,
)
from services.consent.service_layer import understanding


@bp.get("/c/<token>/check")
@identified
def questions(token: str) -> BaseResponse:
    found = understanding.questions(_uow(), token)
    lang = _language(found.view.language)
    if not found.pending:
        return redirect(f"{_base(token)}/form?lang={lang}", 303)
    return _questions_page(token, found, lang, wrong=[])


@bp.post("/c/<token>/check")
@identified
def answer_questions(token: str) -> BaseResponse:
    lang = _language()
    try:
        version = int(request.form.get("form_version", ""))
    except ValueError:
        version = -1
    found = understanding.questions(_uow(), token)
    form_lang = _form_language(found.view, lang)
    if form_lang is None or found.view.form is None:
        return _page_for(token, found.view, lang)  # says what the patient can do instead
    given = {
        question.key: request.form.get(f"q-{question.key}", "")[:40]
        for question in found.view.form.questions
    }
    still = understanding.answer(_uow(), token, given, form_lang, version)
    if not still:
        return redirect(f"{_base(token)}/form?lang={lang}", 303)
    found = understanding.questions(_uow(), token)
    return _questions_page(token, found, lang, wrong=still, status=400)


def _questions_page(
    token: str, found: understanding.Questions, lang: str, **context: Any
) -> Response:
    form = found.view.form
    form_lang = _form_language(found.view, lang)
    if form is None or form_lang is None:
        return _page_for(token, found.view, lang)
    return _render(
        "consent/understanding.html",
        lang,
        context.pop("status", 200),
        token=token,
        form=form,
        form_lang=form_lang,
        translation=form.translations[form_lang],
        pending=found.pending,
        **context,
    )

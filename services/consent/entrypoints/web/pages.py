"""The patient's consent pages, reached from the link in a text message.

Plain HTML forms, so everything works without JavaScript. The link's token is the only
credential until the date of birth is confirmed; then a short-lived signed cookie, scoped to
this link's path, stands for the check. Logs never see the token.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from contextlib import suppress
from datetime import date
from functools import wraps
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, g, make_response, redirect, request
from flask import render_template as render
from werkzeug.wrappers import Response as BaseResponse

from services.consent.config import ConsentSettings
from services.consent.domain import lifecycle
from services.consent.domain.links import VERIFIED_FOR
from services.consent.domain.responses import AGREED, DECLINED
from services.consent.entrypoints.context import settings, unit_of_work
from services.consent.entrypoints.web import signing
from services.consent.entrypoints.web.texts import page_language, switch_languages, texts_for
from services.consent.service_layer import letters, page, understanding
from services.consent.service_layer.unit_of_work import ConsentUnitOfWork
from shared import clock, languages
from shared.errors import InvalidInput, InvalidTransition
from shared.web import csrf

TEMPLATES = Path(__file__).parent / "templates"
VERIFIED_COOKIE = signing.VERIFIED_COOKIE  # the one the copy's download checks too
DOB_COOKIE = "trialreach_dob"  # the date of birth passed; a one-time code is still to come

bp = Blueprint("page", __name__)


def _uow() -> ConsentUnitOfWork:
    uow: ConsentUnitOfWork = unit_of_work()
    return uow


@bp.before_request
def _hide_token() -> None:
    # /c/<token>/form is logged as /c/<token>/form: the token is a credential.
    rest = request.path.split("/", 3)[3:]
    g.log_path = "/c/<token>" + "".join("/" + part for part in rest)


def _base(path: str) -> str:
    return f"/c/{path}"


def _render(template: str, lang: str, status: int = 200, **context: Any) -> Response:
    # `lang` is the language the page's words are in (page_language): <html lang> says so.
    words = texts_for(lang)
    context.setdefault("switch", switch_languages(lang))
    response = make_response(
        render(
            template,
            t=words,
            page_lang=lang,
            service_name=words["service"],
            skip_text=words["skip"],
            **context,
        ),
        status,
    )
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Frame-Options"] = "DENY"
    return response


def _language(default: str = "en") -> str:
    return page_language(request.values.get("lang"), default)


def _verified(token: str) -> bool:
    uow = _uow()
    link_id = page.link_id(uow, token)
    return uow.links.signer.is_verified(link_id, request.cookies.get(VERIFIED_COOKIE), clock.now())


def identified(view: Callable[[str], BaseResponse]) -> Callable[[str], BaseResponse]:
    """A page for a patient who has confirmed who they are, else back to the link's start;
    a form posted to it has its CSRF token checked first."""

    @wraps(view)
    def guarded(token: str) -> BaseResponse:
        if request.method == "POST":
            csrf.check()
        if not _verified(token):
            return redirect(_base(token), 303)
        return view(token)

    return guarded


@bp.errorhandler(page.LinkNotUsable)
def _link_problem(_: page.LinkNotUsable) -> Response:
    return _render("consent/link_problem.html", _language(), 404)


@bp.errorhandler(page.Locked)
def _locked(error: page.Locked) -> Response:
    return _render("consent/locked.html", _language(error.language), 200)


@bp.errorhandler(csrf.CsrfFailed)
def _csrf_problem(_: csrf.CsrfFailed) -> Response:
    return _render("consent/form_expired.html", _language(), 403)


@bp.get("/c/<token>")
def start(token: str) -> BaseResponse:
    if _verified(token):
        return redirect(f"{_base(token)}/form?lang={_language()}", 303)
    view = page.view(_uow(), token)  # a dead link says so before asking anything
    if view.locked:  # and a locked one, with what to do next
        return _render("consent/locked.html", _language(view.language))
    return _render("consent/dob.html", _language(view.language), token=token, error=False)


@bp.post("/c/<token>")
def confirm_identity(token: str) -> BaseResponse:
    csrf.check()
    lang = _language()
    given = _date(request.form.get("day"), request.form.get("month"), request.form.get("year"))
    service_settings: ConsentSettings = settings()
    try:
        step = page.check_dob(_uow(), token, given, service_settings.dob_hash_key)
    except page.NotConfirmed:
        return _render("consent/dob.html", lang, 200, token=token, error=True)
    if step.needs_code:
        response = redirect(f"{_base(token)}/code?lang={lang}", 303)
        _set_cookie(response, token, DOB_COOKIE, step.link_id, b"dob")
        return response
    response = redirect(f"{_base(token)}/form?lang={lang}", 303)
    _set_cookie(response, token, VERIFIED_COOKIE, step.link_id, b"verified")
    return response


def _set_cookie(
    response: BaseResponse, token: str, name: str, link_id: Any, purpose: bytes
) -> None:
    response.set_cookie(
        name,
        _uow().links.signer.verified_cookie(link_id, clock.now(), purpose=purpose),
        max_age=int(VERIFIED_FOR.total_seconds()),
        path=_base(token),
        httponly=True,
        samesite="Lax",
        secure=request.is_secure,
    )


def _dob_passed(token: str) -> bool:
    uow = _uow()
    link_id = page.link_id(uow, token)
    cookie = request.cookies.get(DOB_COOKIE)
    return uow.links.signer.is_verified(link_id, cookie, clock.now(), purpose=b"dob")


@bp.get("/c/<token>/code")
def code_form(token: str) -> BaseResponse:
    if not _dob_passed(token):
        return redirect(_base(token), 303)
    route = page.code_route(_uow(), token)
    return _render(
        "consent/code.html", _language(), token=token, error=False, back=_base(token), route=route
    )


@bp.post("/c/<token>/code")
def confirm_code(token: str) -> BaseResponse:
    csrf.check()
    lang = _language()
    if not _dob_passed(token):
        return redirect(_base(token), 303)
    try:
        link_id = page.check_code(_uow(), token, request.form.get("code", "")[:20])
    except page.NotConfirmed:
        route = page.code_route(_uow(), token)
        return _render(
            "consent/code.html", lang, token=token, error=True, back=_base(token), route=route
        )
    response = redirect(f"{_base(token)}/form?lang={lang}", 303)
    _set_cookie(response, token, VERIFIED_COOKIE, link_id, b"verified")
    response.delete_cookie(DOB_COOKIE, path=_base(token))
    return response


@bp.get("/l/<reference>")
def short_link(reference: str) -> BaseResponse:
    """A letter's short link, typed from paper: on to its consent link (decision 0029)."""
    token = letters.token_for(_uow(), reference[:40])
    if token is None:
        raise page.LinkNotUsable("no live letter link with this reference")
    return redirect(_base(token), 303)


def _date(day: str | None, month: str | None, year: str | None) -> date | None:
    try:
        return date(int(year or ""), int(month or ""), int(day or ""))
    except (ValueError, OverflowError):  # a twenty-digit year overflows, it is not a date
        return None


@bp.get("/c/<token>/form")
@identified
def show_form(token: str) -> BaseResponse:
    view = page.view(_uow(), token)
    lang = _language(view.language)
    if (
        view.form is not None
        and view.form.questions
        and understanding.questions(_uow(), token).pending
    ):
        return redirect(f"{_base(token)}/check?lang={lang}", 303)  # understanding first
    return _page_for(token, view, lang)


def _page_for(
    token: str, view: page.PageView, lang: str, status: int = 200, **extra: Any
) -> Response:
    form = view.form
    form_lang = _form_language(view, lang)
    common = {
        "token": token,
        "view": view,
        "form": form,
        "form_lang": form_lang,
        "translation": form.translations[form_lang] if form and form_lang else None,
    }
    if view.state == page.ASKING:
        if form is not None and form_lang is None:
            # Never English words under another language's tag: say so, in their language.
            return _render(
                "consent/no_form.html",
                lang,
                status,
                form_languages=[
                    (code, languages.get(code).native) for code in sorted(form.translations)
                ],
                **common,
            )
        mode = signing.mode(view.record.trial_id)
        return _render("consent/form.html", lang, status, signature_mode=mode, **common, **extra)
    if view.state in (page.AGREED_ALREADY, page.AWAITING_TEAM):
        return _render("consent/agreed.html", lang, status, **common, **extra)
    closed = {"withdrawn": "withdrawn", "refused": "refused"}.get(view.record.status or "")
    return _render("consent/closed.html", lang, status, closed=closed or "closed", **common)


def _form_language(view: page.PageView, lang: str) -> str | None:
    """The translation of the form to show with page words in `lang`: that language only
    (a copy already agreed shows the language it was read in); None when the form lacks it."""
    form = view.form
    if form is None:
        return None
    if view.state in (page.AGREED_ALREADY, page.AWAITING_TEAM) and view.agreement:
        read = view.agreement.language
        return read if read in form.translations else form.language_for(lang)
    return lang if lang in form.translations else None


@bp.post("/c/<token>/form")
@identified
def answer(token: str) -> BaseResponse:
    lang = _language()
    decision = request.form.get("decision", "")
    ticked = set(request.form.getlist("items"))
    try:
        version = int(request.form.get("form_version", ""))
    except ValueError:
        version = -1
    if _form_language(page.view(_uow(), token), lang) is None:
        # The form was not shown in this language, so nothing in it can be agreed.
        return redirect(f"{_base(token)}/form?lang={lang}", 303)
    try:
        chosen = decision if decision in (AGREED, DECLINED) else ""
        # `lang` is the form's language the patient read: the response records it.
        page.respond(_uow(), token, chosen, ticked, lang, version, signing.given(request.form))
    except InvalidInput as error:
        view = page.view(_uow(), token)
        missing = {e.field.removeprefix("items.") for e in error.errors}
        return _page_for(token, view, lang, 400, missing=missing, ticked=ticked)
    except InvalidTransition:
        pass  # answered already, or the form changed: show where things stand
    return redirect(f"{_base(token)}/form?lang={lang}", 303)


@bp.get("/c/<token>/withdraw")
@identified
def withdrawal(token: str) -> BaseResponse:
    view = page.view(_uow(), token)
    lang = _language(view.language)
    if view.record.status not in lifecycle.SIGNED:
        return _page_for(token, view, lang)
    return _render("consent/withdraw.html", lang, token=token)


@bp.post("/c/<token>/withdraw")
@identified
def withdraw(token: str) -> BaseResponse:
    with suppress(InvalidTransition):  # withdrawn already: show where things stand
        page.withdraw(_uow(), token)
    return redirect(f"{_base(token)}/form?lang={_language()}", 303)


@bp.post("/c/<token>/call")
@identified
def call_me(token: str) -> BaseResponse:
    lang = _language()
    page.request_callback(_uow(), token, lang)
    return _render("consent/call_requested.html", lang, token=token)


def install(app: Any) -> None:
    """Called by the app factory: the pages' blueprint and their templates."""
    from shared import web

    service_settings: ConsentSettings = app.extensions["trialreach.settings"]
    # Signs the forms' CSRF tokens; derived, so the date-of-birth key signs nothing itself.
    app.secret_key = hmac.new(
        service_settings.dob_hash_key.encode(), b"consent-pages-csrf-v1", hashlib.sha256
    ).hexdigest()
    from services.consent.entrypoints.web import understanding  # noqa: F401  (its routes)

    web.install(app, TEMPLATES)
    app.register_blueprint(bp)
    signing.install(app)

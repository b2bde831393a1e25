"""Signing on the consent page, and the signed copy as a PDF: from the patient's page at once
after signing, from the short-lived link in the confirming text, and (see api/signed_copies)
for the research team.

The drawn signature needs JavaScript (static/signature.js, a file from our own origin as the
page's Content-Security-Policy requires); without it the page offers a typed name and a
tick, where the trial allows that.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, Response, g, make_response, redirect, render_template, request
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response as BaseResponse

from services.consent.domain import signatures
from services.consent.entrypoints.context import unit_of_work
from services.consent.entrypoints.web.texts import page_language, texts_for
from services.consent.service_layer import page, signed_copy, signing
from services.consent.service_layer.signed_copy import SignedCopy
from shared import clock, languages
from shared.documents.pdf import render_pdf

STATIC = Path(__file__).parent / "static"
VERIFIED_COOKIE = "trialreach_verified"  # the pages set it once the patient is identified

bp = Blueprint("signing", __name__, static_folder=str(STATIC), static_url_path="/static/consent")


@bp.before_request
def _hide_token() -> None:
    # The copy link's token is a credential like the consent link's: never logged.
    parts = request.path.split("/")
    if len(parts) > 2 and parts[1] in ("c", "copy"):
        g.log_path = "/".join([*parts[:2], "<token>", *parts[3:]])


def given(form: MultiDict[str, str]) -> signing.SignatureGiven:
    """The signature fields of the consent form, capped before anything parses them."""
    return signing.SignatureGiven(
        kind=form.get("signature_kind", "")[:10],
        drawing=form.get("drawing", "")[: signatures.MAX_DRAWING_CHARS + 1],
        typed_name=form.get("typed_name", "")[: signatures.MAX_NAME_CHARS + 1],
        confirmed=form.get("typed_confirm") == "yes",
    )


def mode(trial_id: Any) -> str:
    uow = unit_of_work()
    with uow:
        found: str = uow.signatures.mode(trial_id)
    return found


def copy_html(copy: SignedCopy) -> str:
    """The copy as HTML in the language the patient read the form in (an app context)."""
    lang = page_language(copy.language, "en")
    form_lang = copy.language if copy.language in copy.form.translations else lang
    translation = copy.form.translations.get(form_lang) or copy.form.translations["en"]
    return render_template(
        "consent/signed_copy.html",
        t=texts_for(lang),
        page_lang=lang,
        form_lang=form_lang,
        copy=copy,
        translation=translation,
        uk_time=signatures.uk_time,
        hash_groups=hash_groups,
        svg_size=(signatures.WIDTH, signatures.HEIGHT),
        language_name=language_name,
    )


def language_name(code: str) -> str:
    """An interpreter's language as its speakers write it, and its English name."""
    if code not in languages.LANGUAGES:
        return code
    found = languages.get(code)
    return found.native if found.native == found.name else f"{found.native} ({found.name})"


def copy_pdf(copy: SignedCopy) -> bytes:
    """PDF/A-3b through the one layout engine for documents (complex scripts shaped)."""
    return render_pdf(copy_html(copy), archival=True)


def pdf_response(copy: SignedCopy) -> Response:
    response = make_response(copy_pdf(copy))
    response.headers["Content-Type"] = "application/pdf"
    name = f"consent-{copy.record.study_number or 'copy'}-v{copy.response.form_version}.pdf"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/c/<token>/copy.pdf")
def patient_copy(token: str) -> BaseResponse:
    uow = unit_of_work()
    found = page.link_id(uow, token)
    if not uow.links.signer.is_verified(found, request.cookies.get(VERIFIED_COOKIE), clock.now()):
        return redirect(f"/c/{token}", 303)
    return pdf_response(signed_copy.for_patient(unit_of_work(), token))


@bp.get("/copy/<token>")
def linked_copy(token: str) -> Response:
    return pdf_response(signed_copy.for_copy_link(unit_of_work(), token))


@bp.errorhandler(page.LinkNotUsable)
@bp.errorhandler(signed_copy.NoCopy)
def _no_copy(_: Exception) -> Response:
    lang = page_language(request.args.get("lang"), "en")
    words = texts_for(lang)
    return make_response(
        render_template(
            "consent/link_problem.html",
            t=words,
            page_lang=lang,
            service_name=words["service"],
            skip_text=words["skip"],
            switch=[],
        ),
        404,
    )


def hash_groups(digest: str) -> str:
    """A SHA-256 in four groups of 16, so it wraps between groups (pdftotext joins them
    back when spaces are dropped; `sha256sum` prints it whole)."""
    return " ".join(digest[i : i + 16] for i in range(0, len(digest), 16))


def install(app: Flask) -> None:
    app.register_blueprint(bp)
    app.jinja_env.globals.setdefault("uk_time", signatures.uk_time)

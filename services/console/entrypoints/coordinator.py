"""Trial coordinators: the consent funnel, practices, equity, histories and exports."""

from __future__ import annotations

import uuid

from flask import Blueprint, abort, render_template, request
from werkzeug.wrappers import Response

from services.console.entrypoints.downloads import passed_on
from services.console.entrypoints.session import client, signed_in
from shared import languages
from shared.study_numbers import looks_like_one

bp = Blueprint("coordinator", __name__, url_prefix="/trials")
DOWNLOADS = {
    "consent-records.csv": "consent-records.csv",
    "fhir.json": "fhir",
    "equity.csv": "equity.csv",
}


@bp.get("")
@signed_in
def trials() -> str:
    return render_template(
        "console/coordinator/trials.html", trials=client("registry").get("/trials")
    )


@bp.get("/<uuid:trial_id>")
@signed_in
def trial(trial_id: uuid.UUID) -> str:
    consent = client("consent")
    status = request.args.get("status")
    equity = consent.get(f"/trials/{trial_id}/equity")
    return render_template(
        "console/coordinator/trial.html",
        trial=client("registry").get(f"/trials/{trial_id}"),
        summary=consent.get(f"/trials/{trial_id}/summary"),
        practices=consent.get(f"/trials/{trial_id}/summary/practices")["practices"],
        # Totals below 5 come as "<5" (suppressed): the chart shows them so, with no bar.
        funnel=equity["totals"],
        channels=equity.get("channels", []),
        records=consent.get(
            f"/trials/{trial_id}/consent-records",
            status=status,
            cursor=request.args.get("cursor"),
            limit=50,
        ),
        status=status or "",
    )


@bp.get("/<uuid:trial_id>/equity")
@signed_in
def equity(trial_id: uuid.UUID) -> str:
    report = client("consent").get(f"/trials/{trial_id}/equity")
    dimensions: dict[str, list[dict[str, object]]] = {}
    for row in report["rows"]:
        dimensions.setdefault(row["dimension"], []).append(row)
    return render_template(
        "console/coordinator/equity.html",
        trial=client("registry").get(f"/trials/{trial_id}"),
        report=report,
        dimensions=dimensions,
    )


@bp.get("/<uuid:trial_id>/participants/<study_number>")
@signed_in
def record(trial_id: uuid.UUID, study_number: str) -> str:
    # Coordinators know a participant only by the study number (never the registry's id).
    if not looks_like_one(study_number):
        abort(404)
    found = client("consent").get(f"/trials/{trial_id}/consent-records/{study_number}")
    return render_template(
        "console/coordinator/record.html",
        trial_id=trial_id,
        record=found,
        language_name=_language_name,
    )


def _language_name(code: str | None) -> str:
    """'Polish (pl)' for a form language; the code alone when it is not one we know."""
    if not code:
        return "Not recorded"
    known = languages.LANGUAGES.get(code)
    return f"{known.name} ({code})" if known else code


@bp.get("/<uuid:trial_id>/downloads/<name>")
@signed_in
def download(trial_id: uuid.UUID, name: str) -> Response:
    if name not in DOWNLOADS:
        abort(404)
    return passed_on(client("consent"), f"/trials/{trial_id}/{DOWNLOADS[name]}")

"""Trial coordinators: consent status per trial and each pseudonym's history."""

from __future__ import annotations

import uuid

from flask import Blueprint, render_template, request

from services.console.entrypoints.session import client, signed_in

bp = Blueprint("coordinator", __name__, url_prefix="/trials")


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
    summary = consent.get(f"/trials/{trial_id}/summary")
    records = consent.get(
        f"/trials/{trial_id}/consent-records",
        status=request.args.get("status"),
        cursor=request.args.get("cursor"),
        limit=50,
    )
    return render_template(
        "console/coordinator/trial.html",
        trial_id=trial_id,
        summary=summary,
        records=records,
        status=request.args.get("status", ""),
    )


@bp.get("/<uuid:trial_id>/participants/<uuid:participant_id>")
@signed_in
def record(trial_id: uuid.UUID, participant_id: uuid.UUID) -> str:
    found = client("consent").get(f"/trials/{trial_id}/consent-records/{participant_id}")
    return render_template("console/coordinator/record.html", trial_id=trial_id, record=found)

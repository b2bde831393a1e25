"""Practice staff: their practices' patients and each one's status in each trial."""

from __future__ import annotations

import uuid

from flask import Blueprint, render_template, request

from services.console.entrypoints.session import client, current_user, signed_in

bp = Blueprint("staff", __name__, url_prefix="/practice")


@bp.get("/patients")
@signed_in
def participants() -> str:
    user = current_user()
    practice = request.args.get("practice") or (user.practices[0] if user.practices else "")
    page = client("registry").get(
        "/participants", practice_ods=practice, cursor=request.args.get("cursor"), limit=50
    )
    return render_template(
        "console/staff/participants.html",
        practice=practice,
        practices=user.practices,
        page=page,
    )


@bp.get("/patients/<uuid:participant_id>")
@signed_in
def participant(participant_id: uuid.UUID) -> str:
    found = client("registry").get(f"/participants/{participant_id}")
    return render_template("console/staff/participant.html", participant=found)

"""The review inbox: replies nobody could classify, each with its patient (from the
registry, with the caller's own token, so another practice's patient is never shown), its
trial and conversation; staff say what it meant, or make it a callback in one action."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from services.console.adapters.api_client import ApiProblem
from services.console.domain.review_inbox import INTENTS, cards
from services.console.entrypoints.session import client, signed_in
from services.console.entrypoints.staff import bp


@bp.get("/replies")
@signed_in
def replies() -> str:
    found = client("messaging").get("/replies/unclear")
    people = _patients(r["participant_id"] for r in found if r.get("participant_id"))
    return render_template(
        "console/staff/replies.html", cards=cards(found, people), intents=INTENTS
    )


def _patients(ids: Iterable[str]) -> Mapping[str, Mapping[str, Any]]:
    """The patients this caller may see; a 404 (not theirs, or erased) shows no name."""
    registry, found = client("registry"), {}
    for participant_id in set(ids):
        try:
            found[participant_id] = registry.get(f"/participants/{participant_id}")
        except ApiProblem as problem:
            if problem.status != 404:
                raise
    return found


@bp.post("/replies/<uuid:reply_id>")
@signed_in
def set_intent(reply_id: uuid.UUID) -> Response:
    intent = request.form.get("intent", "")
    if intent not in dict(INTENTS):
        flash("Choose what the patient meant, then save.")
    else:
        client("messaging").post(f"/replies/{reply_id}/intent", {"intent": intent})
        flash(f"Reply marked as {dict(INTENTS)[intent].lower()}")
    return redirect(url_for("staff.replies"))


@bp.post("/replies/<uuid:reply_id>/callback")
@signed_in
def make_callback(reply_id: uuid.UUID) -> Response:
    """One action: the patient wants a person to ring them. The reply leaves the inbox and
    becomes a callback task (or joins the patient's open one for that trial)."""
    note = request.form.get("note", "").strip() or None
    made = client("messaging").post(f"/replies/{reply_id}/callback", {"note": note})
    flash("Reply made a callback. It is now on the Callbacks page.")
    return redirect(url_for("callbacks.task", task_id=made["callback_id"]))

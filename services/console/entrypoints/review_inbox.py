"""The review inbox: replies nobody could classify, each with its patient (from the
registry, with the caller's own token, so another practice's patient is never shown), its
trial and conversation; staff say what it meant or flag it for a call back."""

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
    only_callbacks = request.args.get("callback") == "true"
    found = client("messaging").get("/replies/unclear", callback="true" if only_callbacks else None)
    people = _patients(r["participant_id"] for r in found if r.get("participant_id"))
    return render_template(
        "console/staff/replies.html",
        cards=cards(found, people),
        intents=INTENTS,
        only_callbacks=only_callbacks,
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
    messaging = client("messaging")
    if intent == "callback":
        messaging.post(f"/replies/{reply_id}/callback", {"note": request.form.get("note", "")})
        flash("Reply flagged for a call back. It stays here until you say what it meant.")
    elif intent not in dict(INTENTS):
        flash("Choose what the patient meant, then save.")
    else:
        messaging.post(f"/replies/{reply_id}/intent", {"intent": intent})
        flash(f"Reply marked as {dict(INTENTS)[intent].lower()}")
    return redirect(url_for("staff.replies", callback=request.args.get("callback") or None))

"""Admins: the recordings a voice call plays, per trial, kind and language (decision 27):
upload a new version, listen to it, mark it reviewed (someone other than who uploaded it)."""

from __future__ import annotations

import uuid

from flask import Blueprint, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from services.console.adapters.api_client import ApiProblem
from services.console.entrypoints.forms import refused
from services.console.entrypoints.session import client, signed_in

bp = Blueprint("recordings", __name__, url_prefix="/recordings")
KINDS = {
    "invitation": "Invitation call",
    "reminder": "Reminder call",
    "voicemail": "Voicemail message",
}
FIELDS = ("kind", "language", "audio")


@bp.get("")
@signed_in
def index() -> str:
    return _page(request.args.get("trial", ""))


def _page(trial_id: str, errors: object = None) -> str:
    messaging = client("messaging")
    listed = messaging.get("/recordings", trial_id=trial_id or None)
    own = [r for r in listed if r["scope"] == (trial_id or "default")]
    return render_template(
        "console/admin/recordings.html",
        trials=client("registry").get("/trials"),
        trial_id=trial_id,
        recordings=sorted(own, key=lambda r: (r["kind"], r["language"], -r["version"])),
        kinds=KINDS,
        errors=errors or {},
    )


@bp.post("")
@signed_in
def upload() -> Response | tuple[str, int]:
    form = request.form
    trial_id = form.get("trial", "")
    audio = request.files.get("audio")
    fields = {"trial_id": trial_id, "kind": form.get("kind", ""), "language": form.get("language")}
    try:
        if audio is None or not audio.filename:
            raise ApiProblem(
                422,
                "Choose a file",
                "Choose a WAV or MP3 file",
                [{"field": "audio", "reason": "Choose a WAV or MP3 file", "in": "files"}],
            )
        upload = (audio.filename, audio.stream, audio.mimetype or "application/octet-stream")
        saved = client("messaging").post_file("/recordings", "audio", upload, fields)
    except ApiProblem as problem:
        return _page(trial_id, refused(problem, FIELDS)), problem.status
    flash(
        f"Version {saved['version']} uploaded. Patients do not hear it until another admin "
        "has listened to it and marked it reviewed."
    )
    return redirect(url_for(".index", trial=trial_id or None))


@bp.post("/<uuid:recording_id>/review")
@signed_in
def review(recording_id: uuid.UUID) -> Response:
    trial_id = request.form.get("trial", "")
    try:
        reviewed = client("messaging").post(f"/recordings/{recording_id}/review", {})
    except ApiProblem as problem:
        flash(problem.detail or problem.title)
    else:
        flash(f"Version {reviewed['version']} marked reviewed")
    return redirect(url_for(".index", trial=trial_id or None))


@bp.get("/<uuid:recording_id>/audio")
@signed_in
def audio(recording_id: uuid.UUID) -> Response:
    """The audio through the console, so the page plays it from its own origin (CSP)."""
    answer = client("messaging").download(f"/voice/recordings/{recording_id}")
    return Response(answer.content, mimetype=answer.headers.get("Content-Type", "audio/wav"))

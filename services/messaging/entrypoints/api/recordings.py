"""Recordings a call plays (decision 27): admins upload and review them; Twilio fetches
their audio by an unguessable URL (the words are the same for every patient: no personal
data)."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Response
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from services.messaging.domain.voice import RECORDING_KINDS
from services.messaging.entrypoints.api.schemas import NoteIn
from services.messaging.entrypoints.context import unit_of_work
from services.messaging.service_layer import recordings
from shared.errors import InvalidInput
from shared.http.auth import current_principal, require

blp = Blueprint("recordings", __name__, url_prefix="/recordings", description="Recordings")
# What Twilio fetches, with no token: a path of its own, outside the admins' API.
played = Blueprint("played", __name__, url_prefix="/voice", description="Audio calls play")


class RecordingIn(Schema):
    trial_id = fields.UUID(load_default=None, metadata={"description": "none: for every trial"})
    kind = fields.String(required=True, validate=validate.OneOf(RECORDING_KINDS))
    language = fields.String(required=True, validate=validate.Length(min=2, max=20))


class AudioIn(Schema):
    audio = fields.Raw(required=True, metadata={"type": "string", "format": "binary"})


class RecordingQuery(Schema):
    trial_id = fields.UUID(load_default=None)


class RecordingOut(Schema):
    id = fields.UUID()
    scope = fields.String()
    kind = fields.String()
    language = fields.String()
    version = fields.Integer()
    content_type = fields.String()
    sha256 = fields.String()
    reviewed = fields.Boolean()
    created_by = fields.String()
    reviewed_by = fields.String(allow_none=True)
    created_at = fields.DateTime()
    audio_url = fields.Function(lambda r: f"/voice/recordings/{r.id}")


@blp.get("")
@require("admin")
@blp.arguments(RecordingQuery, location="query")
@blp.response(200, RecordingOut(many=True))
def list_recordings(query: dict[str, Any]) -> Any:
    return recordings.listed(unit_of_work(), query["trial_id"])


@blp.post("")
@require("admin")
@blp.arguments(RecordingIn, location="form")
@blp.arguments(AudioIn, location="files")
@blp.response(201, RecordingOut)
def upload(form: dict[str, Any], files: dict[str, Any]) -> Any:
    """A WAV or MP3 file, as a new unreviewed version; another admin reviews it."""
    audio = files["audio"]
    content_type = getattr(audio, "mimetype", None)
    if content_type is None:
        raise InvalidInput.for_field("audio", "must be a file")
    return recordings.upload(
        unit_of_work(),
        current_principal().name,
        form["trial_id"],
        form["kind"],
        form["language"],
        content_type,
        audio.read(),
    )


@blp.post("/<uuid:recording_id>/review")
@require("admin")
@blp.arguments(NoteIn)
@blp.response(200, RecordingOut)
def review(_: dict[str, Any], recording_id: uuid.UUID) -> Any:
    return recordings.review(unit_of_work(), current_principal().name, recording_id)


@played.get("/recordings/<uuid:recording_id>")
@played.doc(security=[])
@played.response(200, {"type": "string", "format": "binary"}, content_type="audio/wav")
def audio(recording_id: uuid.UUID) -> Response:
    """The audio, for Twilio's <Play> (no token: Twilio fetches it as it is)."""
    content_type, data = recordings.audio(unit_of_work(), recording_id)
    response = Response(data, mimetype=content_type)
    response.headers["Cache-Control"] = "public, max-age=86400"  # a version never changes
    return response

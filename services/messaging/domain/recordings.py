"""Recordings a call plays: per trial (or shipped for all), kind and language, versioned,
reviewed by someone other than who uploaded them, as templates are (decision 27)."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from services.messaging.domain import templates
from services.messaging.domain.voice import RECORDING_KINDS
from shared import clock
from shared.errors import Forbidden, InvalidInput
from shared.languages import is_text_language

# What Twilio's <Play> fetches and plays (https://www.twilio.com/docs/voice/twiml/play).
AUDIO_TYPES = {"audio/wav": "wav", "audio/x-wav": "wav", "audio/mpeg": "mp3"}
# A two-minute spoken invitation is under 2 MB as MP3, about 5 MB as 22 kHz WAV.
MAX_AUDIO_BYTES = 16 * 1024 * 1024


@dataclass
class Recording:
    scope: str  # "default" or a trial id
    kind: str
    language: str
    version: int
    content_type: str
    audio: bytes
    sha256: str
    reviewed: bool = False
    created_by: str = "system"
    reviewed_by: str | None = None
    reviewed_at: datetime | None = None
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    created_at: datetime = field(default_factory=lambda: clock.now())

    def review(self, by: str) -> None:
        """Someone other than who uploaded it has listened to it."""
        if by == self.created_by:
            raise Forbidden("A recording is reviewed by someone other than who uploaded it.")
        self.reviewed, self.reviewed_by, self.reviewed_at = True, by, clock.now()


def new_recording(
    scope: str, kind: str, language: str, version: int, content_type: str, audio: bytes, by: str
) -> Recording:
    """A recording as uploaded, checked; unreviewed until another person listens to it."""
    if kind not in RECORDING_KINDS:
        raise InvalidInput.for_field("kind", f"must be one of {', '.join(RECORDING_KINDS)}")
    if not is_text_language(language):
        raise InvalidInput.for_field("language", "is not a language we know")
    if content_type not in AUDIO_TYPES:
        raise InvalidInput.for_field("audio", "must be a WAV or MP3 file")
    if not audio or len(audio) > MAX_AUDIO_BYTES:
        raise InvalidInput.for_field("audio", f"must be 1 to {MAX_AUDIO_BYTES} bytes")
    digest = hashlib.sha256(audio).hexdigest()
    return Recording(scope, kind, language, version, content_type, audio, digest, created_by=by)


def choose(
    recordings: Iterable[Recording], kind: str, language: str, trial_scope: str
) -> Recording | None:
    """The newest reviewed version for this kind in the first language of the patient's
    fallback chain that has one, the trial's own before the shipped ones. An unreviewed
    recording is never played to a patient."""
    reviewed = (recording for recording in recordings if recording.reviewed)
    return templates.choose(reviewed, kind, language, trial_scope)

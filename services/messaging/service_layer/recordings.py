"""Recordings, for admins (decision 27): upload a new version per trial (or shipped for
all), kind and language; another admin reviews it; Twilio fetches its audio."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from services.messaging.domain.recordings import Recording, new_recording
from services.messaging.domain.templates import DEFAULT_SCOPE, scope_of
from services.messaging.service_layer.unit_of_work import MessagingUnitOfWork
from shared.errors import NotFound


def upload(
    uow: MessagingUnitOfWork,
    by: str,
    trial_id: uuid.UUID | None,
    kind: str,
    language: str,
    content_type: str,
    audio: bytes,
    *,
    reviewed_by: str | None = None,
) -> Recording:
    """A new version, unreviewed (unless `reviewed_by`, for the shipped demo recordings)."""
    with uow:
        if trial_id is not None and uow.trials.trial(trial_id) is None:
            raise NotFound(f"no trial {trial_id}")
        scope = scope_of(trial_id)
        version = uow.recordings.latest_version(scope, kind, language) + 1
        recording = new_recording(scope, kind, language, version, content_type, audio, by)
        if reviewed_by is not None:
            recording.review(reviewed_by)
        uow.recordings.add(recording)
        uow.commit()
        return recording


def review(uow: MessagingUnitOfWork, by: str, recording_id: uuid.UUID) -> Recording:
    with uow:
        recording = uow.recordings.get(recording_id, lock=uow.row_locks)
        if recording is None:
            raise NotFound(f"no recording {recording_id}")
        recording.review(by)
        uow.commit()
        return recording


def listed(uow: MessagingUnitOfWork, trial_id: uuid.UUID | None) -> Sequence[Recording]:
    with uow:
        return uow.recordings.listed(scope_of(trial_id) if trial_id else None)


def audio(uow: MessagingUnitOfWork, recording_id: uuid.UUID) -> tuple[str, bytes]:
    """(content type, bytes): what Twilio's <Play> fetches."""
    with uow:
        recording = uow.recordings.get(recording_id)
        if recording is None:
            raise NotFound(f"no recording {recording_id}")
        return recording.content_type, recording.audio


__all__ = ["DEFAULT_SCOPE", "audio", "listed", "review", "upload"]

"""Shipped demo recordings for the local run and tests (decision 27): each shipped
invitation and reminder text, spoken by a synthetic voice in every language it speaks,
stored for every trial and marked reviewed by "demo". The voicemail says the reminder."""

from __future__ import annotations

import re
from collections.abc import Callable

from services.messaging.domain.recordings import MAX_AUDIO_BYTES
from services.messaging.domain.templates import DEFAULT_SCOPE
from services.messaging.domain.voice import RECORDING_KINDS
from services.messaging.service_layer import recordings
from services.messaging.service_layer.unit_of_work import MessagingUnitOfWork
from shared.logs import get_logger

log = get_logger(__name__)

SPOKEN_FROM = {"invitation": "invitation", "reminder": "reminder", "voicemail": "reminder"}
DEMO_VALUES = {"short_name": "the study", "title": "a research study", "info_url": ""}
URL = re.compile(r"https?://\S+")


def seed(
    new_uow: Callable[[], MessagingUnitOfWork],
    voice_for: Callable[[str], str | None],
    speak: Callable[[str, str], bytes],
    languages: list[str] | None = None,
) -> list[tuple[str, str]]:
    """Store a demo recording for each (kind, language) that has none yet; returns them."""
    with new_uow() as uow:
        shipped = {
            (t.kind, t.language): t
            for t in sorted(uow.templates.templates_in([DEFAULT_SCOPE]), key=lambda t: t.version)
        }
        have = {(r.kind, r.language) for r in uow.recordings.listed(DEFAULT_SCOPE)}
    made: list[tuple[str, str]] = []
    for kind in RECORDING_KINDS:
        for (template_kind, language), template in sorted(shipped.items()):
            if template_kind != SPOKEN_FROM[kind] or (kind, language) in have:
                continue
            if languages is not None and language not in languages:
                continue
            voice = voice_for(language)
            if voice is None:
                continue
            text = URL.sub("", template.render(DEMO_VALUES)).strip()
            audio = speak(text, voice)
            if len(audio) > MAX_AUDIO_BYTES:  # a voice spelling out what it cannot read
                log.warning("demo_recording_too_long", kind=kind, language=language)
                continue
            recordings.upload(
                new_uow(),
                "demo-recordings",
                None,
                kind,
                language,
                "audio/wav",
                audio,
                reviewed_by="demo",
            )
            made.append((kind, language))
    return made

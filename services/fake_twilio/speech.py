"""<Say> made audible on the phone page: a WAV spoken by espeak-ng, where it is installed.

Twilio speaks <Say> with its own voices; the fake only needs the patient-side experience
(hear the words in roughly the right language). Without espeak-ng, or for a language it
does not speak, there is no audio and the page shows the words as a caption only.
"""

from __future__ import annotations

import shutil
import subprocess
from functools import cache, lru_cache

MAX_TEXT = 4000  # characters; Twilio's own limit for <Say>
TIMEOUT = 30  # seconds


@cache
def _espeak() -> str | None:
    return shutil.which("espeak-ng")


@cache
def voices() -> frozenset[str]:
    """The language codes espeak-ng speaks, lower case (en-gb, bn, ur, pa, ...)."""
    espeak = _espeak()
    if espeak is None:
        return frozenset()
    listed = subprocess.run(  # noqa: S603 - a fixed argument list
        [espeak, "--voices"], capture_output=True, text=True, timeout=TIMEOUT, check=False
    )
    rows = listed.stdout.splitlines()[1:]
    return frozenset(row.split()[1].lower() for row in rows if len(row.split()) > 1)


def voice_for(language: str | None) -> str | None:
    """espeak-ng's voice for a Twilio language (en-GB -> en-gb, bn-IN -> bn), or None."""
    known = voices()
    code = (language or "en-US").lower()
    for candidate in (code, code.split("-")[0]):
        if candidate in known:
            return candidate
    return None


@lru_cache(maxsize=128)
def synthesize(text: str, language: str | None) -> bytes | None:
    """A WAV of `text` spoken in `language`; None when espeak-ng cannot say it."""
    espeak, voice = _espeak(), voice_for(language)
    if espeak is None or voice is None or not text.strip():
        return None
    spoken = subprocess.run(  # noqa: S603 - a fixed argument list; the text is one argument
        [espeak, "-v", voice, "--stdout", "--", text[:MAX_TEXT]],
        capture_output=True,
        timeout=TIMEOUT,
        check=False,
    )
    return spoken.stdout if spoken.returncode == 0 and spoken.stdout[:4] == b"RIFF" else None

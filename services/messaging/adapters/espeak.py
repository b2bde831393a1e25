"""Demo recordings spoken by espeak-ng (a Debian package): for the local run and tests
only; a trial's real recordings are people's voices, uploaded by admins (decision 27)."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from functools import lru_cache
from pathlib import Path

# Our language codes where espeak-ng's voice has another name.
VOICE_NAMES = {"en": "en-gb", "zh": "cmn", "fr": "fr-fr"}


@lru_cache(maxsize=1)
def voices() -> frozenset[str]:
    """The voices this espeak-ng speaks (none when it is not installed)."""
    program = shutil.which("espeak-ng")
    if program is None:
        return frozenset()
    # Our own arguments, no shell: nothing from outside reaches the command line.
    listed = subprocess.run(  # noqa: S603
        [program, "--voices"], capture_output=True, text=True, check=True, timeout=30
    ).stdout
    return frozenset(line.split()[1] for line in listed.splitlines()[1:] if line.split())


def voice_for(language: str) -> str | None:
    name = VOICE_NAMES.get(language, language)
    return name if name in voices() else None


def speak(text: str, voice: str) -> bytes:
    """The text spoken by `voice`, as WAV bytes."""
    program = shutil.which("espeak-ng") or "/usr/bin/espeak-ng"
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "spoken.wav"
        # A shipped template's text and a voice from espeak's own list; no shell.
        subprocess.run(  # noqa: S603
            [program, "-v", voice, "-s", "150", "-w", str(out), text],
            check=True,
            capture_output=True,
            timeout=60,
        )
        return out.read_bytes()

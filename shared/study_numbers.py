"""Study numbers: how coordinators, researchers and every export name a participant.

Consent assigns them; the console checks a URL's before asking consent.

One per participant per trial, `<trial code>-<sequence>` (for example DEMO-AF-000123): the
trial's short name in capitals and digits, then the order in which consent first learnt of
the participant in that trial, zero-padded to six digits (wider past a million). Never the
registry's participant_id: only the patient's practice can link the two.
"""

from __future__ import annotations

import re
import uuid

DIGITS = 6
MAX_CODE = 20
# What a study number in a URL may look like: checked before any query.
PATTERN = re.compile(r"^[A-Z0-9]+(?:-[A-Z0-9]+)*-[0-9]{6,}$")


def trial_code(short_name: str | None, trial_id: uuid.UUID) -> str:
    """The trial's short name as capitals, digits and single hyphens; from its id when the
    name has none of those (or consent has not heard of the trial yet)."""
    words = re.findall(r"[A-Z0-9]+", (short_name or "").upper())
    code = "-".join(words)[:MAX_CODE].strip("-")
    return code or f"T{trial_id.hex[:8].upper()}"


def study_number(code: str, sequence: int) -> str:
    if sequence < 1:
        raise ValueError("study numbers count from 1")
    return f"{code}-{sequence:0{DIGITS}d}"


def looks_like_one(text: str) -> bool:
    return len(text) <= MAX_CODE + 12 and PATTERN.match(text) is not None

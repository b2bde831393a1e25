"""Consent link tokens are secrets: together with the date of birth staff hold, a live link
is consent in the patient's name. Only the patient's phone ever shows one: messaging keeps
a text's body with the token masked once the provider has it and shows bodies masked, and
logs mask tokens wherever they appear (shared/logs.py)."""

from __future__ import annotations

import re

# A consent link's token: base64url of a 16-byte id, a dot, base64url of a 16-byte signature,
# 22 characters each (services/consent/domain/links.py; tests/unit/messaging/
# test_opt_in_and_masking.py masks tokens made by its LinkSigner, so the two stay in step).
_TOKEN = re.compile(r"(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{22}(?![A-Za-z0-9_-])")
MASK = "[link hidden]"


def mask_tokens(body: str) -> str:
    """The body with every link token replaced; unchanged when it holds none."""
    return _TOKEN.sub(MASK, body)


def holds_token(body: str) -> bool:
    return _TOKEN.search(body) is not None

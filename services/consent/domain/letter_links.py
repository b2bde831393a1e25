"""A letter's short link: `<base>/l/ABCD-EFGH-JKMN`, for a patient to type from paper.

The reference is the first 60 bits of the link's id in Crockford's base32 (no I, L, O or U;
read case-blind, O as 0 and I or L as 1), so consent finds the link by a range of its primary
key and stores nothing new. Letter links get fully random ids, so the 60 bits are all random:
among a million live letter links two share a reference with a chance of about one in two
million, and a guessed reference still needs the date of birth and the printed one-time code,
with the lockout of every link (decision 0029).
"""

from __future__ import annotations

import secrets
import uuid

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
REF_CHARS = 12
_READ = {char: value for value, char in enumerate(ALPHABET)} | {"O": 0, "I": 1, "L": 1}


def new_link_id() -> uuid.UUID:
    return uuid.UUID(bytes=secrets.token_bytes(16))


def short_ref(link_id: uuid.UUID) -> str:
    value = int.from_bytes(link_id.bytes[:8], "big") >> 4
    chars = "".join(ALPHABET[(value >> (5 * i)) & 31] for i in reversed(range(REF_CHARS)))
    return "-".join(chars[i : i + 4] for i in range(0, REF_CHARS, 4))


def id_range(ref: str) -> tuple[uuid.UUID, uuid.UUID] | None:
    """The lowest and highest link ids with this reference, or None when it is not one."""
    text = "".join(ref.split()).replace("-", "").upper()
    if len(text) != REF_CHARS or any(char not in _READ for char in text):
        return None
    value = 0
    for char in text:
        value = (value << 5) | _READ[char]
    head = value << 4
    low = head.to_bytes(8, "big") + bytes(8)
    high = (head | 0xF).to_bytes(8, "big") + b"\xff" * 8
    return uuid.UUID(bytes=low), uuid.UUID(bytes=high)

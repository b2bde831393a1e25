"""How many SMS parts a text takes, and in which encoding.

Shared by messaging (what a text will cost) and the fake Twilio server (what it reports
as sent), so the two always count alike.

GSM-7 holds 160 characters in one part or 153 per part when split; characters from its
extension table take two septets (an escape and the character). One character outside
GSM-7 makes the whole text UCS-2: 70 in one part or 67 per part, counted in UTF-16 units,
so a character outside the Basic Multilingual Plane (most emoji) counts two. Phones never
split an escape sequence or a surrogate pair across parts, so a part may hold one unit less.
An empty text takes no part.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Encoding = Literal["GSM-7", "UCS-2"]

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("^{}\\[~]|€\f")
GSM7 = GSM7_BASIC | GSM7_EXTENSION


@dataclass(frozen=True)
class SegmentInfo:
    encoding: Encoding
    units: int  # septets for GSM-7, UTF-16 code units for UCS-2
    segments: int
    per_segment_limit: int  # 160/70 for a single part, 153/67 once split


def count_segments(text: str) -> SegmentInfo:
    if GSM7.issuperset(text):
        sizes = [2 if ch in GSM7_EXTENSION else 1 for ch in text]
        return _split("GSM-7", sizes, single=160, multi=153)
    sizes = [2 if ord(ch) > 0xFFFF else 1 for ch in text]
    return _split("UCS-2", sizes, single=70, multi=67)


def _split(encoding: Encoding, sizes: list[int], single: int, multi: int) -> SegmentInfo:
    units = sum(sizes)
    if units <= single:
        return SegmentInfo(encoding, units, 1 if units else 0, single)
    # Fill parts greedily; a two-unit character that does not fit starts the next part.
    parts, used = 1, 0
    for size in sizes:
        if used + size > multi:
            parts, used = parts + 1, 0
        used += size
    return SegmentInfo(encoding, units, parts, multi)

"""How many SMS parts a text takes, and in which encoding.

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


# Look-alikes that force a text into UCS-2 (and so more parts) for no visible gain; the same
# idea as Twilio's "smart encoding". Applied only when the whole text then fits GSM-7.
LOOK_ALIKES = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u2033": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2012": "-",
        "\u2212": "-",
        "\u2010": "-",
        "\u2011": "-",
        "\u00a0": " ",
        "\u2002": " ",
        "\u2003": " ",
        "\u2009": " ",
        "\u202f": " ",
        "\u2026": "...",
        "\u2022": "-",
        "\u00ab": '"',
        "\u00bb": '"',
        "\u200b": "",
        "\ufeff": "",
    }
)


def smart_encode(text: str) -> str:
    """Replace look-alike punctuation when that makes the text GSM-7; else leave it as is.

    A Polish or Urdu text stays UCS-2 whatever its quotes are, so it is not touched.
    """
    replaced = text.translate(LOOK_ALIKES)
    return replaced if GSM7.issuperset(replaced) else text


def cost(segments: int, price_per_segment: float) -> float:
    return round(segments * price_per_segment, 4)


def outside_gsm7(text: str) -> list[str]:
    """The characters that make a text UCS-2, each once, in the order they first appear:
    what an admin would change to get GSM-7 back, if the language allows."""
    return list(dict.fromkeys(ch for ch in text if ch not in GSM7))


@dataclass(frozen=True)
class Measure:
    """A text's length as a person counts it and as the network bills it."""

    encoding: Encoding
    characters: int
    units: int
    segments: int
    per_segment_limit: int
    cost: float
    outside_gsm7: list[str]


def measure(text: str, price_per_segment: float) -> Measure:
    info = count_segments(text)
    return Measure(
        encoding=info.encoding,
        characters=len(text),
        units=info.units,
        segments=info.segments,
        per_segment_limit=info.per_segment_limit,
        cost=cost(info.segments, price_per_segment),
        outside_gsm7=outside_gsm7(text),
    )

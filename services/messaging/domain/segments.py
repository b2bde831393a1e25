"""What messaging adds to SMS segment counting (`shared.sms_segments`): smart encoding,
cost and the measure shown to admins."""

from __future__ import annotations

from dataclasses import dataclass

from shared.sms_segments import GSM7, Encoding, count_segments

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

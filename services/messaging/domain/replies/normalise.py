"""Fold the many ways a phone can write the same word into one, then split it into words.

Replies arrive in every script a phone keyboard offers, with invisible characters,
full-width letters, look-alike letters from other alphabets, and digits from other
number systems. `normalise` turns all of those into one plain form, so the lexicon
needs each word only once; the lexicon itself is passed through the same function.

Everything here is one `str.translate` table plus `unicodedata` and `re`, all of which
run in C: the classifier has to keep up with tens of thousands of replies a second.
"""

# ruff: noqa: RUF001, RUF003 - look-alike letters are what this module is about

from __future__ import annotations

import re
import unicodedata

# Cyrillic and Greek letters that look Latin, folded before casefolding because some
# only look Latin in one case (Greek "Η" looks like H, its small "η" like n).
LOOK_ALIKES = {
    # Cyrillic capitals and smalls
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P",
    "С": "C", "Т": "T", "У": "Y", "Х": "X", "Ѕ": "S", "І": "I", "Ј": "J", "Ү": "Y",
    "Һ": "H", "Ԁ": "D", "Ԛ": "Q", "Ԝ": "W", "Ӏ": "I",
    "а": "a", "в": "b", "г": "r", "е": "e", "к": "k", "м": "m", "н": "h", "о": "o",
    "п": "n", "р": "p", "с": "c", "т": "t", "у": "y", "х": "x", "ь": "b", "ѕ": "s",
    "і": "i", "ј": "j", "ү": "y", "һ": "h", "ԁ": "d", "ԛ": "q", "ԝ": "w", "ӏ": "l",
    "ѵ": "v",
    # Capitals whose small letter is folded above: "СТОП" must read as "стоп" does.
    "П": "n", "Г": "r", "Ь": "b", "Ѵ": "v",
    # Greek capitals and smalls
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M",
    "Ν": "N", "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
    "α": "a", "β": "b", "γ": "y", "ε": "e", "η": "n", "ι": "i", "κ": "k", "ν": "v",
    "ο": "o", "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "ϲ": "c", "ϳ": "j",
    "ς": "c",  # NFKC turns the lunate sigma "ϲ" into "ς"
    # Latin letters that are not in any of our languages but look like ones that are
    "ı": "i", "ɑ": "a", "ɡ": "g", "ʏ": "y", "ɪ": "i", "ɴ": "n", "ᴀ": "a", "ᴇ": "e",
    "ᴏ": "o", "ᴛ": "t", "ᴘ": "p", "ᴋ": "k", "ʜ": "h", "ꜱ": "s", "ł": "l", "Ł": "L",
    "đ": "d", "Đ": "D", "ø": "o", "Ø": "O",
}  # fmt: skip

# Arabic-script letters that Arabic, Persian and Urdu keyboards write differently for
# the same sound: a reply typed on an Arabic keyboard must match the Urdu lexicon.
_ARABIC_LETTERS = {
    "ي": "ی", "ى": "ی", "ې": "ی", "ے": "ی", "ۓ": "ی", "ئ": "ی",  # yeh forms
    "ك": "ک", "ڪ": "ک",  # kaf forms
    "ه": "ہ", "ە": "ہ", "ھ": "ہ", "ۀ": "ہ", "ۂ": "ہ", "ۃ": "ہ", "ة": "ہ",  # heh, teh marbuta
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ٲ": "ا", "ٳ": "ا",  # alef with hamza or madda
    "ؤ": "و",
    "ں": "ن",  # noon ghunna: "ہاں" and "ہان" are the same word typed two ways
}  # fmt: skip

# Characters dropped outright, as ranges. Combining marks on Latin letters (and the
# keycap of "1️⃣"), Arabic vowel marks and the tatweel stretch, Indic nasal marks and
# nuktas (often left out when typing), variation selectors and emoji skin tones.
_DROPPED_RANGES = (
    (0x0300, 0x036F),
    (0x1AB0, 0x1AFF),
    (0x1DC0, 0x1DFF),
    (0x20D0, 0x20FF),
    (0xFE20, 0xFE2F),
    (0x0610, 0x061A),
    (0x064B, 0x065F),
    (0x0670, 0x0670),
    (0x0640, 0x0640),
    (0x06D6, 0x06ED),
    (0x08D3, 0x08FF),
    (0x0901, 0x0902),
    (0x093C, 0x093C),
    (0x0981, 0x0981),
    (0x09BC, 0x09BC),
    (0x0A01, 0x0A02),
    (0x0A3C, 0x0A3C),
    (0x0A70, 0x0A71),
    (0x0A81, 0x0A82),
    (0x0ABC, 0x0ABC),
    (0xFE00, 0xFE0F),
    (0xE0100, 0xE01EF),
    (0x1F3FB, 0x1F3FF),
)
# Apostrophes join "don't" into "dont" rather than splitting it.
_APOSTROPHES = "'\u2019\u2018\u02bc\u0060\u2032"

# Where one part of a reply ends: "Yes. No." is two answers; "yes, Tom" is an answer
# and a name. Includes the Arabic comma and question mark, the Urdu full stop, the
# Bengali danda, the ideographic full stop and comma, and the Ethiopic full stop, comma
# and semicolon.
BREAKS = frozenset(
    ",.;:!?-/|\n\r\u2028\u2029\u2012\u2013\u2014\u2015\u2026\u060c\u061b\u061f\u06d4\u0964\u0965\u3002\u3001"
    "\u1362\u1363\u1364"
)

_SCANNED = 0x20000  # the planes that hold every letter, digit and emoji we fold


def _build_table() -> tuple[dict[int, str | None], str]:
    table: dict[int, str | None] = {}
    marks: list[tuple[int, int]] = []
    for cp in range(_SCANNED):
        ch = chr(cp)
        category = unicodedata.category(ch)
        if category == "Cf":  # zero-width space and joiners, BOM, direction marks
            table[cp] = None
        elif category == "Nd" or 0x1369 <= cp <= 0x1371:
            # Arabic-Indic, Bengali, Gurmukhi, Gujarati ... digits, and Ethiopic ፩ to ፱
            # (Amharic and Tigrinya), which Unicode files as "No" rather than "Nd"
            table[cp] = str(unicodedata.digit(ch))
        elif category in ("Mn", "Mc"):  # vowel signs of Indic scripts belong in words
            if marks and marks[-1][1] == cp - 1:
                marks[-1] = (marks[-1][0], cp)
            else:
                marks.append((cp, cp))
        elif 0xC0 <= cp <= 0x24F or 0x1E00 <= cp <= 0x1EFF:
            # "ę", "ș", "ü": Polish and Romanian replies are often typed without them
            base = unicodedata.normalize("NFD", ch)[0]
            if base != ch and base.isascii() and base.isalpha():
                table[cp] = base
    for cp in range(0xE0000, 0xE0080):  # tag characters
        table[cp] = None
    for first, last in _DROPPED_RANGES:
        for cp in range(first, last + 1):
            table[cp] = None
    for ch in _APOSTROPHES:
        table[ord(ch)] = None
    for source, target in (LOOK_ALIKES | _ARABIC_LETTERS).items():
        table[ord(source)] = target
    word_marks = "".join(
        f"{re.escape(chr(a))}-{re.escape(chr(b))}" if a != b else re.escape(chr(a))
        for a, b in marks
    )
    return table, word_marks


_TABLE, _WORD_MARKS = _build_table()
TABLE = _TABLE  # classify reads the capitals of a reply through it (names after a YES)
# A word is letters, digits and the combining marks of its script ("হ্যাঁ" is one word,
# though Python's \w stops at its vowel sign). A new line is a break between parts of a
# reply; any other character but a space is a token on its own.
_TOKEN = re.compile(rf"[\w{_WORD_MARKS}]+|[\n\u2028\u2029]|\S")
# "opt-out", "dezabonează-mă": a hyphen between letters joins them.
_JOINING_HYPHEN = re.compile(r"(?<=[^\W\d_])[-\u2010\u2011](?=[^\W\d_])")


def normalise(text: str) -> str:
    """One plain form: NFKC, look-alikes and letter variants folded, casefolded."""
    # Look-alikes are folded before casefolding, which would lose the case they need.
    return unicodedata.normalize("NFKC", text).translate(_TABLE).casefold()


# "07700 900123", "+44 7700-900-123": a phone number written in groups is one number
# (ten digits or more carry no intent, vocabulary.py), not digits that may answer.
_GROUPED_DIGITS = re.compile(r"\+?\d[\d \-]{8,}\d")
_PHONE_DIGITS = 10


def _one_number(match: re.Match[str]) -> str:
    digits = "".join(ch for ch in match.group() if ch.isdigit())
    return digits if len(digits) >= _PHONE_DIGITS else match.group()


def tokenise(text: str) -> list[str]:
    """The words and single characters of a normalised text, in order."""
    text = _GROUPED_DIGITS.sub(_one_number, text)
    if "-" in text or "\u2010" in text or "\u2011" in text:
        text = _JOINING_HYPHEN.sub("", text)
    return _TOKEN.findall(text)

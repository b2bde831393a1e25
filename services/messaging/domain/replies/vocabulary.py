"""The lexicon of one language, compiled into the lookups the classifier reads with."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from itertools import groupby

from services.messaging.domain.replies.intents import (
    ANSWERS,
    BREAK,
    FILLER,
    KINDS,
    NEGATES,
    NEGATION,
    NO,
    OTHER,
    SIGNOFF,
)
from services.messaging.domain.replies.lexicon import ALSO, LEXICONS, Lexicon
from services.messaging.domain.replies.normalise import BREAKS, normalise, tokenise

DIGIT = "digit"  # a single digit: an answer only when the template asked for digits
_PHONE_DIGITS = 10  # a run of this many digits is a phone number (UK: 11, 07...)
_MEMO_LIMIT = 50_000  # distinct words remembered per language before starting afresh

_RUN = re.compile(r"(.)\1+")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]")

Spelling = tuple[tuple[str, str], ...]  # (the word as the lexicon spells it, its kind)


def _collapse(word: str) -> str:
    """ "yesss" -> "yes", "noo" -> "no": every run of a letter becomes one."""
    return _RUN.sub(r"\1", word)


def _runs(word: str) -> tuple[int, ...]:
    """How many times each letter is repeated in a row: "haaan" -> (1, 3, 1)."""
    return tuple(len(list(group)) for _, group in groupby(word))


@dataclass
class Vocabulary:
    words: dict[str, str]  # one word -> its kind
    phrases: dict[tuple[str, ...], str]  # several words -> their kind
    # The first word of each phrase -> the lengths of the phrases it starts, longest
    # first: only those are tried, so a common first word ("yes", "please") costs little.
    phrase_lengths: dict[str, tuple[int, ...]]
    # Phrases that end in a thank-you ("no thanks"): a name may follow them as it may
    # follow the thank-you alone ("No thanks, Tom").
    thanking_phrases: frozenset[tuple[str, ...]]
    known: frozenset[str]  # every word in the lexicon, alone or in a phrase
    negators: frozenset[str]  # "no" words that negate an answer written straight after
    # A word with its repeated letters collapsed -> the words it may be, longest first,
    # each with its runs of letters: "yesss" and "haaaa" are typed with a held key.
    collapsed: dict[str, list[tuple[tuple[int, ...], str]]]
    longest_han: int  # the longest Chinese entry, in characters
    _memo: dict[str, Spelling] = field(default_factory=dict)

    def spell(self, token: str) -> Spelling:
        """What one token of a reply is: usually one word; a run of Chinese, several."""
        found = self._memo.get(token)
        if found is None:
            if len(self._memo) >= _MEMO_LIMIT:
                self._memo.clear()
            found = self._memo[token] = self._spell(token)
        return found

    def forget(self) -> None:
        """Drop the remembered spellings (the benchmark's worst case)."""
        self._memo.clear()

    def _spell(self, token: str) -> Spelling:
        word = self._known_spelling(token)
        if word is not None:
            return ((word, self.words.get(word, OTHER)),)
        if token in BREAKS:
            return ((token, BREAK),)
        if token.isdecimal():
            if len(token) >= _PHONE_DIGITS:  # "call me on 07700900123": a number, no answer
                return ((token, FILLER),)
            return ((token, DIGIT if len(token) == 1 else OTHER),)
        if _HAN.match(token):
            return self._segment(token)
        if len(token) == 1 and not token.isalnum():
            # Quotes, brackets and the like say nothing; an emoji we do not know does.
            category = unicodedata.category(token)
            return () if category[0] == "P" or category in ("Sm", "Sk", "Sc") else ((token, OTHER),)
        return ((token, OTHER),)

    def _known_spelling(self, token: str) -> str | None:
        """The word a token is, allowing letters repeated more often than in the word.

        Somali "hhaa" is "haa" (yes), not "ha" (don't): of the words whose letters the
        token repeats at least as often, the longest is the one meant.
        """
        if token in self.known:
            return token
        candidates = self.collapsed.get(_collapse(token))
        if candidates:
            runs = _runs(token)
            for word_runs, word in candidates:
                if all(have >= need for have, need in zip(runs, word_runs, strict=True)):
                    return word
        return None

    def _segment(self, run: str) -> Spelling:
        """Chinese has no spaces: take the longest known word at each position."""
        pieces: list[tuple[str, str]] = []
        start = 0
        while start < len(run):
            for length in range(min(self.longest_han, len(run) - start), 0, -1):
                piece = run[start : start + length]
                kind = self.words.get(piece)
                if kind is not None:
                    pieces.append((piece, kind))
                    start += length
                    break
            else:
                char = run[start]  # "係2": a digit typed straight after a word
                pieces.append((char, DIGIT if char.isdecimal() else OTHER))
                start += 1
        # "不" alone is "no"; written before another answer ("不退订") it negates it.
        for at in range(len(pieces) - 1):
            piece, kind = pieces[at]
            if kind == NO and len(piece) == 1 and pieces[at + 1][1] in ANSWERS:
                pieces[at] = (piece, NEGATION)
        return tuple(pieces)


def entries(lexicon: Lexicon, name: str) -> dict[tuple[str, ...], str]:
    entries: dict[tuple[str, ...], str] = {}
    for kind, texts in lexicon.items():
        if kind == NEGATES:
            continue
        if kind not in KINDS:
            raise ValueError(f"lexicon {name}: unknown kind {kind!r}")
        for text in texts:
            key = tuple(tokenise(normalise(text)))
            if not key or any(word in BREAKS for word in key):
                raise ValueError(f"lexicon {name}: {text!r} is not a word or phrase")
            if entries.get(key, kind) != kind:
                raise ValueError(f"lexicon {name}: {text!r} is both {entries[key]} and {kind}")
            entries[key] = kind
    return entries


def build(names: tuple[str, ...]) -> Vocabulary:
    """Merge lexicons, later ones overriding earlier ones, and index them."""
    merged: dict[tuple[str, ...], str] = {}
    negators: set[str] = set()
    for name in names:
        merged.update(entries(LEXICONS[name], name))
        negators.update(normalise(word) for word in LEXICONS[name].get(NEGATES, ()))
    words = {key[0]: kind for key, kind in merged.items() if len(key) == 1}
    phrases = {key: kind for key, kind in merged.items() if len(key) > 1}
    known = frozenset(word for key in merged for word in key)
    collapsed: dict[str, list[tuple[tuple[int, ...], str]]] = {}
    for word in sorted(known, key=lambda word: (-len(word), word)):
        collapsed.setdefault(_collapse(word), []).append((_runs(word), word))
    return Vocabulary(
        words=words,
        phrases=phrases,
        phrase_lengths={
            start: tuple(sorted({len(key) for key in phrases if key[0] == start}, reverse=True))
            for start in {key[0] for key in phrases}
        },
        thanking_phrases=frozenset(key for key in phrases if words.get(key[-1]) == SIGNOFF),
        known=known,
        negators=frozenset(word for word in negators if words.get(word) == NO),
        collapsed=collapsed,
        longest_han=max((len(word) for word in words if _HAN.match(word)), default=1),
    )


def lexicons_for(language: str | None) -> tuple[str, ...]:
    """English first, then related lexicons, then the language's own."""
    if language is None or (language not in LEXICONS and language not in ALSO):
        return ("en",)
    own = (language,) if language in LEXICONS and language != "en" else ()
    return ("en", *ALSO.get(language, ()), *own)


def has_words(language: str) -> bool:
    """Whether a language has a word list of its own or reads others' (phr reads ur)."""
    return language in LEXICONS or language in ALSO


@cache
def vocabulary_for(language: str | None) -> Vocabulary:
    return build(lexicons_for(language))

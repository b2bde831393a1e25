"""The words of replies, per language, loaded once from the data files in words/.

Each words/<code>.toml maps a kind (an intent, or NEGATION, UNCLEAR, JI, FILLER, SIGNOFF,
GREETING, STOP_SIGN; see intents.py) to words and phrases written as a patient would
type them; they pass through `normalise` when compiled, so accents, Arabic letter forms
and nasal marks need not be spelt every way. A phrase is words separated by spaces;
Chinese entries are runs of characters, split by longest match. Each file names its
sources (glibc's locale yes/no words, the words of fluent speakers) and whether a
fluent speaker has reviewed it; words/README.md says how to add a language.

A reply is read with English (always: UK patients answer in English whatever they were
written in), then the files in the language's `also` list, then its own file, the
later overriding the earlier: in Polish "no" means "well" or "yeah", so Polish marks it
UNCLEAR.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from services.messaging.domain.replies.intents import KINDS, NEGATES

Lexicon = dict[str, tuple[str, ...]]

WORDS_DIR = Path(__file__).with_name("words")


@dataclass(frozen=True)
class WordList:
    code: str
    also: tuple[str, ...]
    reviewed: bool
    sources: tuple[str, ...]
    lexicon: Lexicon


def load(path: Path) -> WordList:
    """One file, checked: known kinds only, sources named, strings only."""
    with path.open("rb") as file:
        data = tomllib.load(file)
    code = path.stem
    if data.get("language") != code:
        raise ValueError(f"{path.name}: language must be {code!r}, as the file is named")
    sources = data.get("sources")
    if not sources or not all(isinstance(s, str) and s.strip() for s in sources):
        raise ValueError(f"{path.name}: name the sources of its words")
    words = data.get("words", {})
    lexicon: Lexicon = {}
    for kind, texts in words.items():
        if kind not in KINDS and kind != NEGATES:
            raise ValueError(f"{path.name}: unknown kind {kind!r}")
        if not isinstance(texts, list) or not all(isinstance(t, str) for t in texts):
            raise ValueError(f"{path.name}: {kind} must be a list of strings")
        lexicon[kind] = tuple(texts)
    return WordList(
        code=code,
        also=tuple(data.get("also", ())),
        reviewed=bool(data.get("reviewed", False)),
        sources=tuple(sources),
        lexicon=lexicon,
    )


WORD_LISTS: dict[str, WordList] = {
    path.stem: load(path) for path in sorted(WORDS_DIR.glob("*.toml"))
}
LEXICONS: dict[str, Lexicon] = {code: wl.lexicon for code, wl in WORD_LISTS.items() if wl.lexicon}
# Lexicons read before a language's own (after English), earliest first.
ALSO: dict[str, tuple[str, ...]] = {code: wl.also for code, wl in WORD_LISTS.items() if wl.also}

"""Decide what a reply means: yes, no, stop, help, start, callback or unknown.

The rule that matters most: a reply that is not clearly one answer is "unknown" and goes
to a person, because a refusal read as YES is the worst mistake this code can make.

- Every word is read (lexicon.py) as an answer (yes, no, stop, help, start), a negation,
  an unclear word ("maybe", "but", "who"), a polite word, or a word we do not know.
- Any unclear word, any negation not part of a known phrase ("not yes", "don't stop"),
  or two different answers ("no yes", "nie tak") make the reply unknown.
- STOP beside NO ("no, stop") is STOP. STOP beside YES ("yes stop") is unknown: it may
  mean "yes, and stop the reminders" or "yes, stop texting me", and a person answers it
  from the review inbox; a clear STOP alone is acted on at once. Where "no" also means
  "not" (Romanian "nu", Polish "nie", Arabic "لا", Urdu "nahi", Chinese "不要"), it
  written straight before STOP is "don't stop" and unknown; after a comma it is STOP.
- Words we do not know are allowed only where a name goes: after the answer and a
  comma, dash or sign-off ("Yes thanks, Mrs Begum", "no sorry - Tom"), or after a
  greeting before the answer ("Hi Dr Khan, yes"); at most three. Anywhere else they
  may change the meaning ("no problem", "yes if it is paid"), so the reply is unknown.
- CALLBACK ("please call me") beside YES ("yes, ring me") is CALLBACK: it asks for a
  person, who also hears the yes; beside any other answer it is unknown.
- A digit answers only when the template asked for digits ("Reply 1 for YES, 2 for NO,
  3 to STOP"), in any digit script; words are understood under either convention.
- Emoji: 👎 ❌ are NO; 👍 ✅ and friendly faces are decoration, never an answer alone
  (phones send them as "seen" reactions); 🛑 ⛔ agree with STOP but are never STOP
  alone; 🤔 🤷 are unclear.
"""

from __future__ import annotations

from services.messaging.domain.replies.intents import (
    ANSWERS,
    BREAK,
    CALLBACK,
    DIGIT_INTENTS,
    DIGITS,
    GREETING,
    JI,
    NEGATION,
    NO,
    OTHER,
    SIGNOFF,
    STOP,
    STOP_SIGN,
    UNCLEAR,
    UNKNOWN,
    WORDS,
    YES,
)
from services.messaging.domain.replies.normalise import normalise, tokenise
from services.messaging.domain.replies.vocabulary import (
    DIGIT,
    Vocabulary,
    has_words,
    vocabulary_for,
)
from shared.languages import fallbacks, parse_language

MOST_UNKNOWN_WORDS = 3  # a name, such as "Mrs Nasreen Begum"
_SIGNALS = ANSWERS | {NEGATION, JI, STOP_SIGN}
_NEGATABLE = ANSWERS - {NO} | {STOP_SIGN}
_VOCABULARIES: dict[str | None, Vocabulary] = {}
_MOST_REMEMBERED_CODES = 2_000


def classify(text: str, language: str | None = None, convention: str = WORDS) -> str:
    """The intent of a reply to a text written in `language` (a shared.languages code)."""
    vocabulary = _VOCABULARIES.get(language) or _vocabulary(language)
    return decide(read(vocabulary, tokenise(normalise(text)), convention))


def _vocabulary(language: str | None) -> Vocabulary:
    """Any code import accepts reads its own words, or those of the language its
    patients are texted in (Krio: English); unknown or missing codes read English."""
    found = parse_language(language) if language else None
    code = None
    if found is not None:
        code = next((c for c in fallbacks(found.code) if has_words(c)), None)
    vocabulary = vocabulary_for(code)
    if (language is None or found is not None) and len(_VOCABULARIES) < _MOST_REMEMBERED_CODES:
        _VOCABULARIES[language] = vocabulary
    return vocabulary


def read(vocabulary: Vocabulary, tokens: list[str], convention: str) -> list[str]:
    """The kind of each word or known phrase of a reply, in order."""
    spelt = [piece for token in tokens for piece in vocabulary.spell(token)]
    if len(spelt) == 1:  # most replies are one word
        word, kind = spelt[0]
        if kind == DIGIT:
            kind = DIGIT_INTENTS.get(word, OTHER) if convention == DIGITS else OTHER
        return [kind]
    kinds: list[str] = []
    negating: list[int] = []  # where a "no" that also means "not" was read
    at, end = 0, len(spelt)
    plain = [word for word, _ in spelt]
    while at < end:
        word, kind = spelt[at]
        step = 1
        thanking = False
        if word in vocabulary.negators:
            negating.append(len(kinds))
        lengths = vocabulary.phrase_lengths.get(word)
        if lengths is not None:
            for length in lengths:
                if length > end - at:
                    continue
                phrase = tuple(plain[at : at + length])
                found = vocabulary.phrases.get(phrase)
                if found is not None:
                    kind, step = found, length
                    thanking = phrase in vocabulary.thanking_phrases
                    break
        if kind == DIGIT:
            kind = DIGIT_INTENTS.get(word, OTHER) if convention == DIGITS else OTHER
        kinds.append(kind)
        if thanking:
            kinds.append(SIGNOFF)
        at += step
    for at in negating:
        if kinds[at] == NO and at + 1 < len(kinds) and kinds[at + 1] in _NEGATABLE:
            kinds[at] = NEGATION  # "nu opriți": "don't stop"
    return kinds


def decide(kinds: list[str]) -> str:
    if len(kinds) == 1:
        kind = kinds[0]
        return kind if kind in ANSWERS else YES if kind == JI else UNKNOWN
    if UNCLEAR in kinds or NEGATION in kinds:
        return UNKNOWN
    signals = [at for at, kind in enumerate(kinds) if kind in _SIGNALS]
    if not signals or not _unknown_words_only_where_names_go(kinds, signals[0], signals[-1]):
        return UNKNOWN
    answers = {kind for kind in kinds if kind in ANSWERS}
    if STOP_SIGN in kinds and (not answers or answers - {STOP, NO}):
        return UNKNOWN
    if STOP in answers and answers <= {STOP, NO}:
        return STOP  # "no stop", "STOP. NO."
    if answers == {YES, CALLBACK}:
        return CALLBACK  # "yes, call me": staff ring, and hear the yes
    if len(answers) == 1:
        return answers.pop()
    if not answers and JI in kinds:
        return YES  # "ji" alone is a polite yes; beside "nahi" it is only polite
    return UNKNOWN


def _unknown_words_only_where_names_go(kinds: list[str], first: int, last: int) -> bool:
    if OTHER in kinds[first:last]:
        return False  # "yes my husband says no"
    after = kinds[last + 1 :]
    if OTHER in after:
        lead_in = after[: after.index(OTHER)]
        if not (BREAK in lead_in or SIGNOFF in lead_in):
            return False  # "no problem", "yes tomorrow"
        if after.count(OTHER) > MOST_UNKNOWN_WORDS:
            return False
    before = kinds[:first]
    if OTHER in before:
        last_unknown = len(before) - 1 - before[::-1].index(OTHER)
        opening = next(kind for kind in before if kind != BREAK)
        if opening != GREETING or BREAK not in before[last_unknown:]:
            return False
        if before.count(OTHER) > MOST_UNKNOWN_WORDS:
            return False
    return True

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
  After a YES with no thank-you or sign-off before the name, at most two, and only
  words written as a name is, with a capital ("Yes, Nasreen"; not "Да, утре", not
  "YES, TOMORROW", never a word of a script without capitals): decision 37.
- CALLBACK ("please call me") beside YES ("yes, ring me") is CALLBACK: it asks for a
  person, who also hears the yes; beside any other answer it is unknown.
- A digit answers only when the template asked for digits ("Reply 1 for YES, 2 for NO,
  3 to STOP"), in any digit script; words are understood under either convention.
- A YES asked rather than answered ("yes?", "haan?", "evet?": only question marks after
  it, no word we do not know) is unknown: it may be "yes, what do you want?". After a
  name, "?" changes nothing ("Yes thanks, Mrs Begum?"); "yes!!!???" is emphatic.
- Emoji: 👎 ❌ are NO; 👍 ✅ and friendly faces are decoration, never an answer alone
  (phones send them as "seen" reactions); 🛑 ⛔ agree with STOP but are never STOP
  alone; 🤔 🤷 are unclear.
"""

from __future__ import annotations

import unicodedata

from services.messaging.domain.replies.intents import (
    ANSWERS,
    BREAK,
    CALLBACK,
    DIGIT_INTENTS,
    DIGITS,
    FILLER,
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
from services.messaging.domain.replies.normalise import TABLE, normalise, tokenise
from services.messaging.domain.replies.vocabulary import (
    DIGIT,
    Vocabulary,
    has_words,
    vocabulary_for,
)
from shared.languages import LANGUAGES, fallbacks, parse_language

MOST_UNKNOWN_WORDS = 3  # a name, such as "Mrs Nasreen Begum"
# After a YES with no thank-you or sign-off before them, three words we do not know are
# more likely a sentence ("Yes, will come Tuesday") than a name: a false YES is the
# worst mistake, so only two ("Yes, Nasreen Begum") pass there.
MOST_AFTER_BARE_YES = 2
_SIGNALS = ANSWERS | {NEGATION, JI, STOP_SIGN}
_NEGATABLE = ANSWERS - {NO} | {STOP_SIGN}
_QUESTION_MARKS = frozenset("?\uff1f\u061f\u2e2e")  # ASCII, full-width, Arabic and reversed
_VOCABULARIES: dict[str | None, Vocabulary] = {}
_MOST_REMEMBERED_CODES = 2_000


def classify(text: str, language: str | None = None, convention: str = WORDS) -> str:
    """The intent of a reply to a text written in `language` (a shared.languages code)."""
    vocabulary = _VOCABULARIES.get(language) or _vocabulary(language)
    kinds, unknown = _read(vocabulary, tokenise(normalise(text)), convention)
    intent = decide(kinds)
    if (
        intent == YES
        and unknown
        and not _polite_before(kinds)
        and not _unknown_words_are_names(text, unknown)
    ):
        return UNKNOWN  # "Да, утре", "Po, nesër": yes, and a word that is not a name
    if intent == YES and not unknown and _asked(text):
        return UNKNOWN  # "yes?", "evet?": a question back, not an answer
    return intent


def _asked(text: str) -> bool:
    """Whether the text ends in question marks and no "!" ("yes?", "haan ??")."""
    end = len(text)
    while end and not text[end - 1].isalnum():
        end -= 1
    tail = text[end:]
    return not _QUESTION_MARKS.isdisjoint(tail) and "!" not in tail and "\uff01" not in tail


def _polite_before(kinds: list[str]) -> bool:
    """A thank-you, sign-off or greeting before the first word we do not know: what
    follows it is read as a name or courtesy as before ("Yes thanks so much for asking",
    "Hi Dr Khan, yes")."""
    before = kinds[: kinds.index(OTHER)]
    return SIGNOFF in before or GREETING in before


def _unknown_words_are_names(text: str, unknown: list[str]) -> bool:
    """Whether every word we do not know straight after a bare YES can be a name.

    In a script with capitals a name is written with one ("Yes, Nasreen"; "yes, tomorrow"
    and "YES, TOMORROW" are not names). In a script without them (Arabic, Bengali,
    Chinese ...) nothing shows a name, so a word we do not know after a bare YES makes
    the reply unknown. Emoji we do not know pass as before: decoration, not words.
    """
    capitalised = {
        word.casefold()
        for word in tokenise(unicodedata.normalize("NFKC", text).translate(TABLE))
        if word[0].isupper() and (len(word) == 1 or not word.isupper())
    }
    # Written small, all in capitals, or in a script without them: not a name.
    return all(word in capitalised for word in unknown if word.isalnum())


def _vocabulary(language: str | None) -> Vocabulary:
    """Any code import accepts reads its own words, or those of the language its
    patients are texted in (Krio: English); unknown or missing codes read English.

    A code as import stores it means that language, even where the same letters are
    also a name or a placeholder to import ("ga" is Irish, not the language Ga; "no" is
    Norwegian); where that language has no words, what import would read from the same
    text is tried ("lah", Western Panjabi, is an alias of Shahmukhi Punjabi)."""
    known = False
    code = None
    if language:
        for found in (LANGUAGES.get(language), parse_language(language)):
            if found is not None:
                known = True
                code = next((c for c in fallbacks(found.code)[:-1] if has_words(c)), None)
                if code is not None:
                    break
    vocabulary = vocabulary_for(code)
    if (language is None or known) and len(_VOCABULARIES) < _MOST_REMEMBERED_CODES:
        _VOCABULARIES[language] = vocabulary
    return vocabulary


def read(vocabulary: Vocabulary, tokens: list[str], convention: str) -> list[str]:
    """The kind of each word or known phrase of a reply, in order."""
    return _read(vocabulary, tokens, convention)[0]


def _read(
    vocabulary: Vocabulary, tokens: list[str], convention: str
) -> tuple[list[str], list[str]]:
    """The kinds, and the words we do not know (as they were read), of a reply."""
    spelt = [piece for token in tokens for piece in vocabulary.spell(token)]
    if len(spelt) == 1:  # most replies are one word
        word, kind = spelt[0]
        if kind == DIGIT:
            kind = DIGIT_INTENTS.get(word, OTHER) if convention == DIGITS else OTHER
        return [kind], []
    kinds: list[str] = []
    unknown: list[str] = []
    negating: list[int] = []  # where a "no" that also means "not" was read
    at, end = 0, len(spelt)
    plain = [word for word, _ in spelt]
    while at < end:
        word, kind = spelt[at]
        step = 1
        thanking = False
        if word in vocabulary.negators:
            negating.append(len(kinds))
        found = _phrase_at(vocabulary, plain, at) if word in vocabulary.phrase_lengths else None
        if found is not None and kind == FILLER and at + 1 < end:
            # "please stop messaging me": "please stop" would leave "messaging me"
            # unread; the filler alone lets the longer phrase after it be read.
            after = _phrase_at(vocabulary, plain, at + 1)
            if after is not None and len(after[1]) >= len(found[1]):
                found = None
        if found is not None:
            kind, phrase = found
            step = len(phrase)
            thanking = phrase in vocabulary.thanking_phrases
        if kind == DIGIT:
            kind = DIGIT_INTENTS.get(word, OTHER) if convention == DIGITS else OTHER
        if kind == OTHER:
            unknown.append(word)
        kinds.append(kind)
        if thanking:
            kinds.append(SIGNOFF)
        at += step
    for at in negating:
        if kinds[at] == NO and at + 1 < len(kinds) and kinds[at + 1] in _NEGATABLE:
            kinds[at] = NEGATION  # "nu opriți": "don't stop"
    return kinds, unknown


def _phrase_at(
    vocabulary: Vocabulary, plain: list[str], at: int
) -> tuple[str, tuple[str, ...]] | None:
    """The longest known phrase that starts at `at`, and its kind."""
    lengths = vocabulary.phrase_lengths.get(plain[at])
    if lengths is not None:
        for length in lengths:
            if length > len(plain) - at:
                continue
            phrase = tuple(plain[at : at + length])
            found = vocabulary.phrases.get(phrase)
            if found is not None:
                return found, phrase
    return None


def decide(kinds: list[str]) -> str:
    if len(kinds) == 1:
        kind = kinds[0]
        return kind if kind in ANSWERS else YES if kind == JI else UNKNOWN
    if UNCLEAR in kinds or NEGATION in kinds:
        return UNKNOWN
    signals = [at for at, kind in enumerate(kinds) if kind in _SIGNALS]
    answers = {kind for kind in kinds if kind in ANSWERS}
    if not signals or not _unknown_words_only_where_names_go(
        kinds, signals[0], signals[-1], answers == {YES}
    ):
        return UNKNOWN
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


def _unknown_words_only_where_names_go(
    kinds: list[str], first: int, last: int, yes: bool = False
) -> bool:
    if OTHER in kinds[first:last]:
        return False  # "yes my husband says no"
    after = kinds[last + 1 :]
    if OTHER in after:
        lead_in = after[: after.index(OTHER)]
        if not (BREAK in lead_in or SIGNOFF in lead_in):
            return False  # "no problem", "yes tomorrow"
        most = MOST_UNKNOWN_WORDS if SIGNOFF in lead_in or not yes else MOST_AFTER_BARE_YES
        if after.count(OTHER) > most:
            return False  # "Yes, I can come Tuesday": a sentence, not a name
    before = kinds[:first]
    if OTHER in before:
        last_unknown = len(before) - 1 - before[::-1].index(OTHER)
        opening = next(kind for kind in before if kind != BREAK)
        if opening != GREETING or BREAK not in before[last_unknown:]:
            return False
        if before.count(OTHER) > MOST_UNKNOWN_WORDS:
            return False
    return True

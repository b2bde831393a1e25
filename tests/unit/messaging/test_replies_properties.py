"""Properties of reply understanding that must hold for any reply, in any language."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from services.messaging.domain.replies import (
    DIGITS,
    HELP,
    INTENTS,
    NO,
    START,
    STOP,
    UNKNOWN,
    WORDS,
    YES,
    classify,
)
from services.messaging.domain.replies.classify import read
from services.messaging.domain.replies.intents import JI
from services.messaging.domain.replies.normalise import LOOK_ALIKES, normalise, tokenise
from services.messaging.domain.replies.vocabulary import vocabulary_for
from services.messaging.replies import parse
from tests.unit.messaging.replies_cases import load_cases

TEMPLATE_LANGUAGES = ("en", "ur", "pa", "pa-Arab", "bn", "syl", "pl", "ro", "ar", "so", "zh", "gu")
REPLIES = [(*parse(case.command_input.encode()), case.expected) for case in load_cases()]
ANSWERED = [reply for reply in REPLIES if reply[3] != UNKNOWN]
INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u200e", "\u200f"]
PUNCTUATION = [
    "!",
    ".",
    "?",
    "!!!",
    "...",
    "?!",
    " .",
    "。",
    "؟",
    "\u06d4",  # the Urdu full stop
    "।",
    "“",
    "”",
    "(",
    ")",
    "*",
]
# Latin letters and the Cyrillic or Greek letters that look like them.
DISGUISES: dict[str, list[str]] = {}
for _fake, _latin in LOOK_ALIKES.items():
    if unicodedata.name(_fake).startswith(("CYRILLIC", "GREEK")):
        DISGUISES.setdefault(_latin, []).append(_fake)

replies = st.sampled_from(REPLIES)


def intent_of(reply: tuple[str, str, str, str], text: str) -> str:
    language, convention, _, _ = reply
    return classify(text, language, convention)


@settings(deadline=None, max_examples=200)
@given(reply=replies, data=st.data())
def test_zero_width_characters_anywhere_never_change_the_intent(
    reply: tuple[str, str, str, str], data: st.DataObject
) -> None:
    text = reply[2]
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(text)))
        text = text[:at] + data.draw(st.sampled_from(INVISIBLE)) + text[at:]
    assert intent_of(reply, text) == reply[3]


@settings(deadline=None, max_examples=200)
@given(reply=replies)
def test_full_width_forms_never_change_the_intent(reply: tuple[str, str, str, str]) -> None:
    wide = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in reply[2])
    assert intent_of(reply, wide) == reply[3]


# A bare YES followed by question marks alone is asked back ("yes?"): the test below.
QUESTIONS = ["?", "\u061f", " ?", "\uff1f", "??"]
AFTER = [mark for mark in PUNCTUATION if mark not in QUESTIONS]


@settings(deadline=None, max_examples=200)
@given(reply=replies, before=st.sampled_from(["", *PUNCTUATION]), after=st.sampled_from(AFTER))
def test_punctuation_around_a_reply_never_changes_the_intent(
    reply: tuple[str, str, str, str], before: str, after: str
) -> None:
    assert intent_of(reply, f"{before}{reply[2]}{after}") == reply[3]


@settings(deadline=None, max_examples=200)
@given(reply=replies, mark=st.sampled_from(QUESTIONS))
def test_a_question_mark_after_a_reply_changes_at_most_a_yes_to_unknown(
    reply: tuple[str, str, str, str], mark: str
) -> None:
    got = intent_of(reply, f"{reply[2]}{mark}")
    assert got == reply[3] or (reply[3] == YES and got == UNKNOWN)


@settings(deadline=None, max_examples=200)
@given(reply=replies, data=st.data())
def test_look_alike_letters_from_other_alphabets_never_change_the_intent(
    reply: tuple[str, str, str, str], data: st.DataObject
) -> None:
    text = "".join(
        data.draw(st.sampled_from([c, *DISGUISES[c]])) if c in DISGUISES else c for c in reply[2]
    )
    assert intent_of(reply, text) == reply[3]


LATIN_ANSWERS = [r for r in ANSWERED if r[2].isascii() and r[2].replace(" ", "").isalpha()]


@settings(deadline=None, max_examples=200)
@given(reply=st.sampled_from(LATIN_ANSWERS), data=st.data())
def test_letters_held_down_never_change_the_intent(
    reply: tuple[str, str, str, str], data: st.DataObject
) -> None:
    text = reply[2]
    letters = [at for at, c in enumerate(text) if c.isalpha()]
    at = data.draw(st.sampled_from(letters))
    held = text[:at] + text[at] * data.draw(st.integers(2, 6)) + text[at + 1 :]
    # "of" held down may be "off", another word we know: then it is not a held key.
    word = normalise(text[:at].split(" ")[-1] + text[at:].split(" ")[0])
    look_alikes = vocabulary_for(reply[0]).collapsed.get(re.sub(r"(.)\1+", r"\1", word), [])
    assume(len(look_alikes) <= 1)
    assert intent_of(reply, held) == reply[3]


def words_of(language: str, *kinds: str) -> list[str]:
    words = vocabulary_for(language).words
    return sorted(word for word, kind in words.items() if kind in kinds)


@st.composite
def a_yes_beside_a_refusal(draw: st.DrawFn) -> tuple[str, str, str]:
    language = draw(st.sampled_from(TEMPLATE_LANGUAGES))
    convention = draw(st.sampled_from([WORDS, DIGITS]))
    yes_words = words_of(language, YES) + (["1"] if convention == DIGITS else [])
    refusals = words_of(language, NO, STOP) + (["2", "3"] if convention == DIGITS else [])
    parts = [draw(st.sampled_from(yes_words)), draw(st.sampled_from(refusals))]
    if draw(st.booleans()):
        parts.reverse()
    polite = words_of(language, "filler", "signoff", JI)
    parts.insert(draw(st.integers(0, 2)), draw(st.sampled_from(["", *polite])))
    # Never "": two words run together make a third ("ha" + "n" is Urdu "han", yes).
    separator = draw(st.sampled_from([" ", ", ", ". ", " - ", "\n", "!! "]))
    return separator.join(parts), language, convention


@settings(deadline=None, max_examples=300)
@given(reply=a_yes_beside_a_refusal())
def test_a_yes_word_beside_a_no_or_stop_word_is_never_yes(reply: tuple[str, str, str]) -> None:
    assert classify(*reply) != YES


@settings(deadline=None, max_examples=200)
@given(
    text=st.text(max_size=60),
    language=st.sampled_from([*TEMPLATE_LANGUAGES, "fr", "xx", "PA-ARAB", "", None]),
    convention=st.sampled_from([WORDS, DIGITS, "other"]),
)
def test_any_text_in_any_language_gets_one_known_intent(
    text: str, language: str | None, convention: str
) -> None:
    assert classify(text, language, convention) in (*INTENTS, START)


@settings(deadline=None, max_examples=300)
@given(
    text=st.text(alphabet="abcdefghijklmnopqrstuvwxyz ,.!?'ąęłóśż", max_size=30)
    | st.text(max_size=30),
    language=st.sampled_from(TEMPLATE_LANGUAGES),
    convention=st.sampled_from([WORDS, DIGITS]),
)
def test_random_text_is_never_yes_unless_it_holds_a_yes_word(
    text: str, language: str, convention: str
) -> None:
    kinds = read(vocabulary_for(language), tokenise(normalise(text)), convention)
    assume(YES not in kinds and JI not in kinds)
    assert classify(text, language, convention) != YES


@settings(deadline=None, max_examples=200)
@given(
    language=st.sampled_from(TEMPLATE_LANGUAGES),
    data=st.data(),
    noise=st.sampled_from(["", " 👍", " 🙂", "!", " thanks"]),
)
def test_each_answer_word_alone_is_that_answer(
    language: str, data: st.DataObject, noise: str
) -> None:
    intent = data.draw(st.sampled_from([YES, NO, STOP, HELP]))
    candidates = words_of(language, intent)
    assume(candidates)
    word = data.draw(st.sampled_from(candidates))
    assert classify(word + noise, language, WORDS) == intent


@settings(deadline=None, max_examples=200)
@given(language=st.sampled_from(TEMPLATE_LANGUAGES), data=st.data())
def test_a_no_that_also_means_not_straight_before_stop_is_never_stop(
    language: str, data: st.DataObject
) -> None:
    vocabulary = vocabulary_for(language)
    assume(vocabulary.negators)
    negator = data.draw(st.sampled_from(sorted(vocabulary.negators)))
    stop = data.draw(st.sampled_from(words_of(language, STOP)))
    assert classify(f"{negator} {stop}", language) != STOP
    assert classify(f"{negator}, {stop}", language) == STOP


@settings(deadline=None, max_examples=200)
@given(
    reply=replies,
    sign_off=st.sampled_from([", ", " - ", ", thanks ", ". From ", "\n"]),
    name=st.sampled_from(["Tom", "Mrs Begum", "Agnieszka", "Ioana", "Farhan", "Wei"]),
)
def test_a_name_signed_after_a_reply_never_changes_the_intent(
    reply: tuple[str, str, str, str], sign_off: str, name: str
) -> None:
    assert intent_of(reply, f"{reply[2]}{sign_off}{name}") == reply[3]

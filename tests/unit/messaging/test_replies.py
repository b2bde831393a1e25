"""Reply understanding in English: what patients naturally send, and what must never be YES."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.messaging.domain.replies import HELP, INTENTS, NO, STOP, UNKNOWN, YES, classify

ZWSP, ZWJ, WORD_JOINER, BOM = "\u200b", "\u200d", "\u2060", "\ufeff"


def full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def test_full_width_forms_really_are_full_width() -> None:
    assert full_width("Yes!") == "\uff39\uff45\uff53\uff01"


YES_FORMS = [
    "yes",
    "YES",
    "Yes",
    "yEs",
    " yes ",
    "yes.",
    "Yes!",
    "YES!!!",
    "yes!?",
    "yes...",
    "'yes'",
    "yes 👍",
    "👍 yes",
    "yes😊",
    "YES ❤️",
    full_width("yes"),
    full_width("YES"),
    full_width("Yes!"),
    f"y{ZWSP}es",
    f"ye{ZWJ}s",
    f"{ZWSP}yes{ZWSP}",
    f"yes{WORD_JOINER}",
    f"{BOM}yes",
    "yes thanks",
    "Yes, thank you!",
    "yes thank you very much",
    "Yes thanks so much for asking",
    "yes please",
    "Yes please!",
    "y",
    "Y.",
    "yeah",
    "Yep",
    "ok",
    "OK!",
    "okay",
    "sure",
    "interested",
    "yes yes",
    "Yes, yes!",
    "\tyes\n",
]

NO_FORMS = [
    "no",
    "NO",
    "No.",
    "no!!",
    "NO 👎",
    full_width("no"),
    f"n{ZWSP}o",
    "no thanks",
    "No thank you",
    "no, thank you.",
    "nope",
    "Nope!",
    "n",
    "not interested",
    "Not interested.",
    "NOT INTERESTED",
]

STOP_FORMS = [
    "stop",
    "STOP",
    "Stop.",
    "STOP!!!",
    "stop!",
    full_width("STOP"),
    f"ST{ZWSP}OP",
    "stop 🛑",
    "Stop please",
    "please stop",
    "STOP thanks",
    "stopall",
    "unsubscribe",
    "UNSUBSCRIBE",
    "cancel",
    "end",
    "quit",
    "optout",
    "revoke",
    "no stop",
    "stop no",
    "STOP. NO.",
]

HELP_FORMS = ["help", "HELP", "Help?", "help!!", full_width("HELP"), "info", "INFO", "help please"]

# Replies that must never be read as YES, and what they are instead.
HARD_NEGATIVES = {
    "yes?": UNKNOWN,  # asked back, not answered: "yes, what is it?"
    "Yes ??": UNKNOWN,
    "yes\uff1f": UNKNOWN,
    "no yes": UNKNOWN,
    "yes no": UNKNOWN,
    "Yes. No.": UNKNOWN,
    "yes, no": UNKNOWN,
    "no, yes": UNKNOWN,
    "yes stop": UNKNOWN,
    "yes but no": UNKNOWN,
    "yes thanks but no": UNKNOWN,
    "Yes thank you, but actually no": UNKNOWN,
    "yesterday": UNKNOWN,
    "Yesterday!": UNKNOWN,
    "not yes": UNKNOWN,
    "yes not": UNKNOWN,
    "not sure": UNKNOWN,
    "Not sure yet": UNKNOWN,
    "nope": NO,
    "nope yes": UNKNOWN,
    "yes nope": UNKNOWN,
    "I don't know": UNKNOWN,
    "I don\u2019t know": UNKNOWN,
    "don't": UNKNOWN,
    "yes, don't": UNKNOWN,
    "nah": NO,
    "nah yes": UNKNOWN,
    "never": UNKNOWN,
    "yes not interested": UNKNOWN,
    "I am not interested": NO,
    "yes I am not interested thank you": UNKNOWN,
    "eyes": UNKNOWN,
    "yess no": UNKNOWN,
    "maybe": UNKNOWN,
    "who is this": HELP,  # issue 15: a question about who writes is answered by HELP
    "👍": UNKNOWN,
    "👎": NO,
    "": UNKNOWN,
    "   ": UNKNOWN,
    "?!": UNKNOWN,
    ZWSP: UNKNOWN,
}


@pytest.mark.parametrize("text", YES_FORMS)
def test_yes_in_its_natural_forms(text: str) -> None:
    assert classify(text) == YES


@pytest.mark.parametrize("text", NO_FORMS)
def test_no_in_its_natural_forms(text: str) -> None:
    assert classify(text) == NO


@pytest.mark.parametrize("text", STOP_FORMS)
def test_stop_in_its_natural_forms(text: str) -> None:
    assert classify(text) == STOP


@pytest.mark.parametrize("text", HELP_FORMS)
def test_help_in_its_natural_forms(text: str) -> None:
    assert classify(text) == HELP


@pytest.mark.parametrize(("text", "intent"), HARD_NEGATIVES.items())
def test_hard_negatives_are_never_read_as_yes(text: str, intent: str) -> None:
    assert classify(text) == intent


@pytest.mark.parametrize("text", ["start", "START", "Start!", "unstop", full_width("START")])
def test_start_resubscribes(text: str) -> None:
    assert classify(text) == "start"


def test_a_long_sentence_goes_to_a_person() -> None:
    assert classify("yes I would like to hear more about it") == UNKNOWN


NEGATIONS = ["no", "not", "nope", "never", "don't", "dont", "nah", "stop", "can't"]


@settings(deadline=None)
@given(
    before=st.sampled_from(["", "yes ", "Yes, ", "ok ", "sure "]),
    negation=st.sampled_from(NEGATIONS),
    after=st.sampled_from(["", " yes", " ok", " sure", " interested", " thanks"]),
    punctuation=st.sampled_from(["", "!", ".", "?", " 👍"]),
)
def test_a_negation_next_to_a_yes_word_is_never_yes(
    before: str, negation: str, after: str, punctuation: str
) -> None:
    assert classify(f"{before}{negation}{after}{punctuation}") != YES


@settings(deadline=None)
@given(st.text(max_size=40))
def test_any_text_gets_one_known_intent_or_start(text: str) -> None:
    assert classify(text) in (*INTENTS, "start")


QUESTION_MARKS = "?\uff1f\u061f\u2e2e"  # a YES followed by these alone is asked, not answered
NOISE = st.one_of(
    st.characters(
        categories=["Cf", "Zs", "Po", "Pd", "Ps", "Pe", "Pi", "Pf"],
        exclude_characters=QUESTION_MARKS,
    ),
    st.sampled_from(["👍", "😊", "🙂", "❤️", "🙏", "✅", "👍🏽"]),
)


@settings(deadline=None)
@given(before=st.lists(NOISE, max_size=4), after=st.lists(NOISE, max_size=4))
def test_invisible_characters_punctuation_and_emoji_around_yes_do_not_matter(
    before: list[str], after: list[str]
) -> None:
    assert classify("".join(before) + "yes" + "".join(after)) == YES


@pytest.mark.parametrize("text", ["yes?", "Yes ?", "yes??", "yes \u061f", "是\uff1f"])
def test_a_bare_yes_asked_back_is_unknown(text: str) -> None:
    assert classify(text, "zh" if "是" in text else "en") == UNKNOWN


@pytest.mark.parametrize("text", ["yes!?", "yes!!!???", "Yes thanks, Mrs Begum?"])
def test_a_yes_with_an_exclamation_or_a_name_before_the_question_mark_stays_yes(
    text: str,
) -> None:
    assert classify(text) == YES

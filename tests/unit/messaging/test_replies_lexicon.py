"""The per-language lexicons: complete for each template language, and consistent."""

from __future__ import annotations

import pytest

from services.messaging.domain.replies import HELP, NO, STOP, YES, classify
from services.messaging.domain.replies.intents import UNCLEAR
from services.messaging.domain.replies.lexicon import LEXICONS
from services.messaging.domain.replies.vocabulary import entries, lexicons_for, vocabulary_for
from shared.languages import LANGUAGES

TEMPLATE_LANGUAGES = ("en", "ur", "pa", "pa-Arab", "bn", "syl", "pl", "ro", "ar", "so", "zh", "gu")


@pytest.mark.parametrize("language", TEMPLATE_LANGUAGES)
def test_each_template_language_knows_yes_no_stop_and_help(language: str) -> None:
    kinds = set(vocabulary_for(language).words.values())
    assert {YES, NO, STOP, HELP} <= kinds


def test_every_lexicon_is_named_by_a_language_code_or_is_the_shared_romanisation() -> None:
    assert set(LEXICONS) - set(LANGUAGES) == {"roman-south-asian"}


def test_a_word_with_two_meanings_in_one_lexicon_is_refused() -> None:
    with pytest.raises(ValueError, match="both"):
        entries({YES: ("ok",), NO: ("OK",)}, "test")


def test_an_unknown_kind_of_word_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown kind"):
        entries({"maybe-yes": ("ok",)}, "test")


def test_a_language_reads_english_then_related_lexicons_then_its_own() -> None:
    assert lexicons_for("pa-Arab") == ("en", "roman-south-asian", "ur", "pa-Arab")
    assert lexicons_for("syl") == ("en", "roman-south-asian", "bn", "syl")
    assert lexicons_for("phr") == ("en", "roman-south-asian", "ur")
    assert lexicons_for("kri") == ("en",)  # Krio has no word list: English
    assert lexicons_for(None) == ("en",)


def test_a_language_overrides_english_where_a_word_means_something_else() -> None:
    assert vocabulary_for("en").words["no"] == NO
    assert vocabulary_for("pl").words["no"] == UNCLEAR  # Polish "no" is "well" or "yeah"


def test_words_of_one_language_do_not_leak_into_another() -> None:
    assert classify("ha", "ur") == YES
    assert classify("ha", "so") != YES  # Somali "ha" is "don't"
    assert classify("tak", "pl") == YES
    assert classify("tak", "ro") != YES

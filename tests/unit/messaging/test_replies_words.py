"""The reply word files (replies/words/*.toml): valid, sourced, and complete for every
language we text (issue 15 item 6)."""

from __future__ import annotations

from pathlib import Path

import pytest

from services.messaging.domain.replies import CALLBACK, HELP, NO, STOP, YES, classify
from services.messaging.domain.replies.lexicon import WORD_LISTS, WORDS_DIR, load
from services.messaging.domain.replies.vocabulary import entries, vocabulary_for
from services.messaging.replies import parse
from shared.languages import parse_language

# The languages the issue names: each must understand yes, no, stop and help in its own
# words (English STOP and HELP are always read besides).
TEXTED = (
    "en", "ur", "pa", "pa-Arab", "bn", "syl", "pl", "ro", "ar", "gu", "so", "ps", "ckb",
    "ti", "am", "zh", "zh-Hant", "pt", "es", "it", "fa", "lt", "lv", "cs", "sk", "hi",
    "ta", "vi", "tr", "fr", "bg", "hu", "uk", "ru", "sq",
)  # fmt: skip
# Where no phrase could be written with confidence (see each file's note): English
# "STOP" and "call me" are read for them meanwhile.
NO_CALLBACK_YET = {"ckb", "ti"}
NO_STOP_YET = {"ti"}


def test_every_file_loads_names_its_sources_and_is_a_language_import_accepts() -> None:
    assert WORD_LISTS, "no word files found"
    for code, words in WORD_LISTS.items():
        assert words.sources, code
        if code != "roman-south-asian":
            found = parse_language(code)
            assert found is not None and found.code == code, code
        for other in words.also:
            assert other in WORD_LISTS, f"{code} reads {other}, which has no file"
        entries(words.lexicon, code)  # no word with two meanings in one file


def test_a_file_without_sources_or_with_an_unknown_kind_is_refused(tmp_path: Path) -> None:
    unsourced = tmp_path / "xx.toml"
    unsourced.write_text('language = "xx"\nsources = []\n[words]\nyes = ["ja"]\n')
    with pytest.raises(ValueError, match="sources"):
        load(unsourced)
    odd = tmp_path / "yy.toml"
    odd.write_text('language = "yy"\nsources = ["me"]\n[words]\nmaybe_yes = ["ja"]\n')
    with pytest.raises(ValueError, match="unknown kind"):
        load(odd)
    misnamed = tmp_path / "zz.toml"
    misnamed.write_text('language = "pl"\nsources = ["me"]\n')
    with pytest.raises(ValueError, match="as the file is named"):
        load(misnamed)


def test_nothing_here_is_marked_reviewed_without_a_reviewer() -> None:
    # No fluent speaker has signed any file off yet; flipping one needs their name.
    for code, words in WORD_LISTS.items():
        assert not words.reviewed or any("reviewed by" in s for s in words.sources), code


def test_the_word_files_live_beside_the_loader() -> None:
    assert {path.stem for path in WORDS_DIR.glob("*.toml")} == set(WORD_LISTS)


@pytest.mark.parametrize("language", TEXTED)
def test_each_language_we_text_understands_yes_no_stop_help_and_call_me(language: str) -> None:
    """In its own words, or those of the file it reads (zh-Hant reads zh), not English's."""
    files = [language, *WORD_LISTS[language].also] if language != "en" else ["en"]
    kinds = {kind for name in files for kind in WORD_LISTS[name].lexicon}
    expected = {YES, NO, HELP}
    expected |= set() if language in NO_STOP_YET else {STOP}
    expected |= set() if language in NO_CALLBACK_YET else {CALLBACK}
    assert expected <= kinds, expected - kinds
    vocabulary = vocabulary_for(language)
    assert {YES, NO, STOP, HELP, CALLBACK} <= set(vocabulary.words.values()) | set(
        vocabulary.phrases.values()
    )


@pytest.mark.parametrize("language", TEXTED)
def test_the_replies_command_accepts_each_language(language: str) -> None:
    assert parse(f"{language}\twords\tyes".encode())[0] == language


@pytest.mark.parametrize(
    "language", ["Czech", "Tigrinya", "Mirpuri", "Panjabi (Shahmukhi)", "kri", "ces", "zh-Hans"]
)
def test_the_replies_command_accepts_what_import_accepts(language: str) -> None:
    expected = parse_language(language)
    assert expected is not None
    assert parse(f"{language}\twords\tyes".encode())[0] == expected.code


def test_a_language_without_words_reads_the_one_its_patients_are_texted_in() -> None:
    assert classify("ہاں", "phr") == YES  # Mirpuri speakers are texted in Urdu
    assert classify("হ্যাঁ", "syl") == YES
    assert classify("係呀", "yue") == YES
    assert classify("好的", "zh-Hant") == YES
    assert classify("oui", "kri") != YES  # Krio is texted in English

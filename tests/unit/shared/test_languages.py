"""The language table every service reads."""

from __future__ import annotations

import pytest

from shared.languages import LANGUAGES, fallbacks, is_rtl, parse_language


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Panjabi", "pa"),
        ("PUNJABI", "pa"),
        ("Punjabi (Shahmukhi)", "pa-Arab"),
        ("pnb", "pa-Arab"),
        ("Sylheti", "syl"),
        ("Bengali (Sylheti)", "syl"),
        ("Urdu", "ur"),
        ("urd", "ur"),
        (" polish ", "pl"),
        ("Farsi", "fa"),
        ("Cantonese", "zh"),
        ("اردو", "ur"),
        ("pa-Arab", "pa-Arab"),
    ],
)
def test_codes_and_the_names_gp_systems_use_are_understood(text: str, code: str) -> None:
    found = parse_language(text)
    assert found is not None
    assert found.code == code


@pytest.mark.parametrize("text", ["", "Klingon", "Esperanto", "xx", "English please"])
def test_an_unknown_language_is_not_guessed(text: str) -> None:
    assert parse_language(text) is None


def test_right_to_left_languages_are_the_ones_the_design_names() -> None:
    assert {code for code, lang in LANGUAGES.items() if lang.rtl} == {
        "ur",
        "ar",
        "fa",
        "ps",
        "ckb",
        "pa-Arab",
        "phr",
    }
    assert is_rtl("ur")
    assert not is_rtl("pa")
    assert not is_rtl("not-a-code")


def test_fallbacks_end_in_english_and_sylheti_readers_get_bengali_first() -> None:
    assert fallbacks("syl") == ["syl", "bn", "en"]
    assert fallbacks("phr") == ["phr", "ur", "en"]
    assert fallbacks("ur") == ["ur", "en"]
    assert fallbacks("en") == ["en"]


@pytest.mark.parametrize("written", ["Mirpuri", "MIRPURI", "Pahari", "Potwari", "Pothwari"])
def test_mirpuri_and_its_other_names_are_read_and_texted_in_urdu(written: str) -> None:
    found = parse_language(written)
    assert found is not None and found.code == "phr"
    assert fallbacks(found.code)[1] == "ur"

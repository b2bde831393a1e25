"""The language table every service reads."""

from __future__ import annotations

import pytest

from shared.languages import (
    LANGUAGES,
    best_text,
    fallbacks,
    interpreter_may_be_needed,
    is_rtl,
    parse_language,
    written,
)


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
        ("Cantonese", "yue"),  # spoken; texted in traditional Chinese
        ("اردو", "ur"),
        ("pa-Arab", "pa-Arab"),
    ],
)
def test_codes_and_the_names_gp_systems_use_are_understood(text: str, code: str) -> None:
    found = parse_language(text)
    assert found is not None
    assert found.code == code


@pytest.mark.parametrize(
    "text", ["", "Klingon", "xx", "English please", "Main spoken language", "12345678"]
)
def test_an_unknown_language_is_not_guessed(text: str) -> None:
    assert parse_language(text) is None


@pytest.mark.parametrize("text", ["NA", "N/A", "no", "None", "Unknown", "Not known"])
def test_what_exports_write_for_no_language_is_not_read_as_a_language(text: str) -> None:
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


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Mirpuri", "phr"),
        ("Pahari", "phr"),
        ("Potwari", "phr"),
        ("Sylheti", "syl"),
        ("Panjabi (Shahmukhi)", "pa-Arab"),
        ("Czech", "cs"),
        ("Slovak", "sk"),
        ("Tigrinya", "ti"),
        ("Kurdish Sorani", "ckb"),
        ("Farsi", "fa"),
        ("Mandarin", "zh"),
        ("Cantonese", "yue"),
        # ISO 639-1, 639-2/T, 639-2/B and 639-3 codes CLDR knows
        ("cs", "cs"),
        ("ces", "cs"),
        ("cze", "cs"),
        ("tir", "ti"),
        ("kri", "kri"),
        ("Krio", "kri"),
        ("zh-Hant", "zh-Hant"),
        ("zh-Hans", "zh"),
        ("pa-Guru", "pa"),
        # SNOMED CT "main spoken language", as GP systems export it
        ("315570003", "en"),
        ("315570003 |Main spoken language English|", "en"),
        ("Main spoken language Urdu", "ur"),
    ],
)
def test_any_language_cldr_knows_and_the_names_gp_systems_write(text: str, code: str) -> None:
    found = parse_language(text)
    assert found is not None
    assert found.code == code


def test_an_unchecked_snomed_id_is_read_by_its_term_and_never_guessed_alone() -> None:
    found = parse_language("123456789 |Main spoken language Polish|")
    assert found is not None and found.code == "pl"
    assert parse_language("123456789") is None


def test_names_scripts_and_direction_come_from_cldr() -> None:
    assert LANGUAGES["cs"].native == "Čeština"
    assert LANGUAGES["ti"].script == "Ethi"
    assert LANGUAGES["ckb"].rtl and LANGUAGES["pa-Arab"].rtl and not LANGUAGES["pa"].rtl
    # Not listed, but looked up like any other: console pages read .name and .rtl.
    assert "kri" in LANGUAGES and LANGUAGES["kri"].name == "Krio"
    assert "xx" not in LANGUAGES and "kri" not in list(LANGUAGES)


def test_spoken_languages_are_texted_in_a_written_one_and_scripts_are_kept() -> None:
    assert written("syl") == "bn" and written("phr") == "ur" and written("yue") == "zh-Hant"
    assert written("pa-Arab") == "pa-Arab"
    assert fallbacks("yue") == ["yue", "zh-Hant", "zh", "en"]
    assert fallbacks("cs") == ["cs", "sk", "en"]
    assert fallbacks("pa-Arab") == ["pa-Arab", "ur", "en"]  # Shahmukhi readers read Urdu


def test_the_best_text_and_whether_an_interpreter_may_be_needed() -> None:
    shipped = frozenset({"en", "ur", "bn", "pa-Arab", "zh"})
    assert best_text("phr", shipped) == "ur"
    assert best_text("zh-Hant", shipped) == "zh"
    assert best_text("ti", shipped) == "en"
    assert interpreter_may_be_needed("ti", shipped)
    assert interpreter_may_be_needed("syl", shipped)
    assert not interpreter_may_be_needed("ur", shipped)
    assert not interpreter_may_be_needed("en", shipped)

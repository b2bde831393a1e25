"""The language table every service reads."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

import shared.languages
from shared.languages import (
    LANGUAGES,
    READ2_LANGUAGES,
    UNKNOWN,
    best_text,
    fallbacks,
    interpreter_may_be_needed,
    is_rtl,
    is_text_language,
    parse_language,
    says_not_recorded,
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
        # CLDR's English name for a code we read as one of ours
        ("Western Panjabi", "pa-Arab"),
        ("Hakka Chinese", "hak"),
        ("Mandarin Chinese", "zh"),
        ("Northern Kurdish", "ku"),
        # two letters are an ISO 639-1 code before a name ("Ga" is also a language)
        ("ga", "ga"),
        ("GA", "ga"),
        ("Irish", "ga"),
        ("gaa", "gaa"),
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


@pytest.mark.parametrize(
    ("text", "code"),
    [
        # Read v2 "main spoken language", as EMIS and Vision export it: five characters
        # padded with dots, which some exports drop, alone or before its term
        ("13lL.", "ur"),
        ("13lL", "ur"),
        ("13lL. Main spoken language Urdu", "ur"),
        ("13lL.|Main spoken language Urdu", "ur"),
        (" 13lL. |Main spoken language Urdu| ", "ur"),
        ("13lE.", "pa"),
        ("13l1.", "bn"),
        ("13lJ.", "syl"),
        ("13lC.", "pl"),
        ("13l3.", "cs"),
        ("13uL.", "sk"),
        ("13u1.", "ro"),
        ("13ly.", "ti"),
        ("13lB.", "zh"),
        ("13l2.", "yue"),
        ("13wA.|Main spoken language Dari", "fa"),
        # the older language codes: Sylhety, Mirpuri, Cantonese, "Language Urdu"
        ("13b2.", "syl"),
        ("13b4.|Mirpuri language", "phr"),
        ("13b1.", "yue"),
        ("13Z66", "ur"),
        ("13Z62 Language Gujurati", "gu"),
        ("13lA.", "kfr"),  # Kutchi: a code CLDR knows, with our name for staff
        # case matters in Read codes
        ("13lT.", "hr"),
        ("13lt.", "sr"),
        # the code says the language, as a SNOMED CT id does, whatever term follows it
        ("13lL.|Main spoken language Polish", "ur"),
    ],
)
def test_read_v2_main_spoken_language_codes_with_or_without_dots_and_term(
    text: str, code: str
) -> None:
    found = parse_language(text)
    assert found is not None
    assert found.code == code


def test_an_unknown_read_code_is_read_by_its_term_and_never_guessed_alone() -> None:
    found = parse_language("13lU.|Main spoken language Czech")
    assert found is not None and found.code == "cs"
    assert parse_language("13lU.") is None
    assert parse_language("13lU") is None
    # A listed language shared.languages does not know stays unknown.
    assert parse_language("13wd. Main spoken language Romany") is None


@pytest.mark.parametrize(
    "text",
    [
        "13Z67",
        "13Z67 Speaks English well",
        "13Z68|Speaks English poorly",
        "13Z60 English as a second language",
        "13Z69 First language not English",
        "13Z6Z|Language NOS",
        "13Z6.",
        "13ZM.|Using British sign language",
        "13ZP. Using Makaton sign language",
        "13l..",
        "13l",
        "13lg.|Main spoken language Ethiopian",
        "13lj. Main spoken language Gaelic",  # Scottish or Irish
        "13wE. Main spoken language Ndebele",  # Northern or Southern
        "13Z67|English",  # never read by a term that follows it either
    ],
)
def test_read_codes_that_name_no_one_language_are_not_a_language(text: str) -> None:
    assert parse_language(text) is None


def _read2_rows() -> list[list[str]]:
    path = Path(shared.languages.__file__).with_name("read2_languages.tsv")
    with path.open(encoding="utf-8") as file:
        return [
            row
            for row in csv.reader(
                (line for line in file if not line.startswith("#")), delimiter="\t"
            )
            if row
        ]


def test_each_read_code_row_is_a_code_and_a_language_its_term_does_not_contradict() -> None:
    rows = _read2_rows()
    assert len(rows) == len({code for code, _, _ in rows}) > 150
    contradicted = []
    for code, ours, term in rows:
        assert len(code) == 5 and code.startswith("13"), code
        if ours == "-":
            continue
        assert READ2_LANGUAGES[code.rstrip(".")] == ours
        assert ours in LANGUAGES, code
        # Where parse_language reads the term, it reads the same language (the rest
        # were mapped by eye and are named in the file's header).
        read = parse_language(term)
        if read is not None and read.code != ours:
            contradicted.append((code, term, ours, read.code))
    assert contradicted == []


def test_names_scripts_and_direction_come_from_cldr() -> None:
    assert LANGUAGES["cs"].native == "Čeština"
    assert LANGUAGES["ti"].script == "Ethi"
    assert LANGUAGES["ckb"].rtl and LANGUAGES["pa-Arab"].rtl and not LANGUAGES["pa"].rtl
    # Not listed, but looked up like any other: console pages read .name and .rtl.
    assert "kri" in LANGUAGES and LANGUAGES["kri"].name == "Krio"
    assert LANGUAGES["kfr"].name == "Kutchi"  # CLDR has no name for it
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


def test_the_unknown_language_is_kept_shown_and_texted_in_english_but_never_offered() -> None:
    unknown = LANGUAGES[UNKNOWN]
    assert (unknown.code, unknown.name, unknown.rtl, unknown.fallback) == (
        "und",
        "Unknown language",
        False,
        None,
    )
    assert UNKNOWN in LANGUAGES and UNKNOWN not in list(LANGUAGES)  # looked up, not listed
    assert (best_text(UNKNOWN), written(UNKNOWN), is_rtl(UNKNOWN)) == ("en", UNKNOWN, False)
    assert interpreter_may_be_needed(UNKNOWN)
    assert not is_text_language(UNKNOWN)
    assert is_text_language("ti") and not is_text_language("xx")


@pytest.mark.parametrize("text", ["und", "Unknown language", "Unknown", "Not known", "zxx"])
def test_no_input_is_read_as_the_unknown_language(text: str) -> None:
    assert parse_language(text) is None


def test_placeholders_say_no_language_is_recorded_and_names_do_not() -> None:
    assert all(says_not_recorded(t) for t in ("Unknown", "NOT KNOWN", "N/A", "nk", "None"))
    assert not any(says_not_recorded(t) for t in ("Patois", "Creole", "Polsih", "Norwegian"))


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Patois", "jam"),
        ("Jamaican Patois", "jam"),
        ("Jamaican Creole", "jam"),
        ("jam", "jam"),
        ("Irish Gaelic", "ga"),
        ("Scottish Gaelic", "gd"),
    ],
)
def test_unambiguous_gp_names_of_unlisted_languages_are_read(text: str, code: str) -> None:
    found = parse_language(text)
    assert found is not None and found.code == code


@pytest.mark.parametrize("text", ["Creole", "Gaelic", "Romany", "Polsih"])
def test_ambiguous_names_and_misspellings_are_never_guessed(text: str) -> None:
    assert parse_language(text) is None

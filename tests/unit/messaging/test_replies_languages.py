"""`python -m services.messaging.replies` accepts every language import accepts (issue 15
item 6): every code CLDR knows, the names GP systems write, SNOMED CT "main spoken
language" concepts and Read v2 codes; and a code as import stored it means the same
language again."""

from __future__ import annotations

import pytest
from babel import Locale

from services.messaging.domain.replies import STOP, YES, classify
from services.messaging.domain.replies.classify import _vocabulary
from services.messaging.replies import parse
from shared.languages import (
    LANGUAGES,
    READ2_LANGUAGES,
    SNOMED_LANGUAGES,
    UNKNOWN,
    parse_language,
)


def _what_import_reads() -> list[str]:
    texts: set[str] = set(Locale("en").languages)  # every ISO 639 code CLDR names
    texts |= {name for name in Locale("en").languages.values()}  # "Irish", "Tigrinya"
    for code in LANGUAGES:  # ours: "Panjabi", "Mirpuri", "Bengali (Sylheti)", "Farsi" ...
        language = LANGUAGES[code]
        texts |= {code, language.name, language.native, *language.aliases}
    for concept, code in SNOMED_LANGUAGES.items():
        texts |= {concept, f"{concept} |Main spoken language {LANGUAGES[code].name}|"}
    for read in READ2_LANGUAGES:  # "13lL", "13lL.", "13lL.|Main spoken language Urdu"
        term = f"Main spoken language {LANGUAGES[READ2_LANGUAGES[read]].name}"
        texts |= {read, read.ljust(5, "."), f"{read.ljust(5, '.')}|{term}"}
    texts |= {"Main spoken language Urdu", "Mirpuri", "Pahari", "Sylheti", "Czech", "cze"}
    return sorted(text for text in texts if parse_language(text) is not None)


IMPORTED = _what_import_reads()


def test_the_list_covers_what_the_issue_names() -> None:
    assert len(IMPORTED) > 1000
    assert {"Mirpuri", "Sylheti", "Czech", "Tigrinya", "315570003", "13lL."} <= set(IMPORTED)


def test_the_command_accepts_every_text_import_accepts_and_every_code_it_stores() -> None:
    refused = []
    for text in IMPORTED:
        stored = parse_language(text)
        assert stored is not None
        for given in (text, stored.code):
            code, _, _ = parse(f"{given}\twords\tyes".encode())
            if given == stored.code and code != stored.code:
                refused.append((text, given, code))
    assert refused == []


@pytest.mark.parametrize(
    ("stored", "reads_like"),
    [
        ("no", "en"),  # Norwegian, though "no" in a language column is a placeholder
        ("na", "en"),  # Nauru, likewise
        ("ga", "en"),  # Irish, not the language Ga (whose name is also "ga")
        ("lah", "pa-Arab"),  # Western Panjabi: Shahmukhi words, as its alias says
        ("phr", "phr"),
        ("syl", "syl"),
        ("cze", "cs"),
    ],
)
def test_a_stored_code_reads_its_own_language_or_the_one_it_is_texted_in(
    stored: str, reads_like: str
) -> None:
    code, _, _ = parse(f"{stored}\tdigits\t1".encode())
    assert _vocabulary(code) is _vocabulary(reads_like)


def test_stop_is_understood_whatever_language_a_patient_was_stored_with() -> None:
    misread = []
    for text in IMPORTED:
        found = parse_language(text)
        assert found is not None
        if classify("STOP", found.code) != STOP or classify("Stop", text) != STOP:
            misread.append(text)
    assert misread == []


def test_a_patient_of_unknown_language_is_read_as_they_are_texted_in_english() -> None:
    assert _vocabulary(UNKNOWN) is _vocabulary("en")
    assert (classify("STOP", UNKNOWN), classify("yes please", UNKNOWN)) == (STOP, YES)

"""The reply evaluation set's shape (not the classifier's accuracy on it)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from bench.replies_eval import INTENTS, SET_DIR, MalformedSet, languages, load

REQUIRED = (
    "en", "ur", "pa", "pa-Arab", "bn", "syl", "pl", "ro", "ar", "gu", "so", "ps", "ckb",
    "ti", "am", "zh", "pt", "es", "it", "fa", "lt", "lv", "cs", "sk", "hi", "ta", "vi",
    "tr", "fr", "bg", "hu", "uk", "ru", "sq",
)  # fmt: skip


def test_every_required_language_has_a_file() -> None:
    assert sorted(set(REQUIRED) - set(languages())) == []


@pytest.mark.parametrize("code", REQUIRED)
def test_a_language_file_parses_and_has_a_useful_mix(code: str) -> None:
    path = SET_DIR / f"{code}.tsv"
    header = path.read_text(encoding="utf-8").splitlines()[:2]
    assert header[0].startswith("#") and "EXPECTED" in header[0]
    assert any("unreviewed" in line.casefold() for line in header)

    cases = load(path)
    assert len(cases) >= 40
    labels = Counter(case.expected for case in cases)
    assert set(labels) <= set(INTENTS)
    for needed in ("yes", "no", "stop", "unknown"):
        assert labels[needed] >= 1, f"{code} has no {needed}"
    assert {case.convention for case in cases} == {"words", "digits"}


def test_escapes_are_read_as_the_replies_command_reads_them(tmp_path: Path) -> None:
    (tmp_path / "xx.tsv").write_text(
        "# header\nwords\tyes\\nSent from my phone\\tx\\\\\tyes\tsigned\n", encoding="utf-8"
    )
    [case] = load(tmp_path / "xx.tsv")
    assert case.text == "yes\nSent from my phone\tx\\"


@pytest.mark.parametrize(
    "line",
    [
        "words\tyes\tmaybe-yes\tnot an intent",
        "letters\tyes\tyes\tnot a convention",
        "words\tyes\tyes",
        "words\t \tyes\tblank text",
    ],
)
def test_a_malformed_line_is_refused(tmp_path: Path, line: str) -> None:
    (tmp_path / "xx.tsv").write_text(line + "\n", encoding="utf-8")
    with pytest.raises(MalformedSet):
        load(tmp_path / "xx.tsv")

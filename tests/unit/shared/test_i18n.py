"""The gettext catalogs: complete against the code, 25+ languages, honest about review."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from services.consent.entrypoints.web.texts import EN, page_language, switch_languages, texts_for
from shared import i18n, languages

ROOT = Path(__file__).parents[3]
SHIPPED = sorted((ROOT / "services/messaging/migrations/data").glob("templates_*.json"))

# The West Midlands' main languages after English (issue 15 item 3).
REQUIRED = (
    "ur", "pa", "pa-Arab", "bn", "pl", "ro", "ar", "gu", "so", "ps", "ckb", "ti", "am",
    "zh", "zh-Hant", "pt", "es", "it", "fa", "lt", "lv", "cs", "sk", "hi", "ta", "vi",
    "tr", "fr", "bg", "hu", "uk", "ru", "sq",
)  # fmt: skip


def _keys(pot: Path) -> set[tuple[str | None, str]]:
    with pot.open("rb") as handle:
        return {(m.context, str(m.id)) for m in read_po(handle) if m.id}


def test_every_message_in_the_code_is_in_the_committed_catalog(tmp_path: Path) -> None:
    fresh = tmp_path / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg",
         "-k", "N_", "--no-location", "--omit-header", "-o", str(fresh), "."],
        cwd=ROOT, check=True, capture_output=True, env={"PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    extracted, committed = _keys(fresh), _keys(i18n.LOCALE_DIR / "messages.pot")
    assert extracted - committed == set(), "run `make i18n-update` and translate"
    assert committed - extracted == set(), "run `make i18n-update`: the catalog has extras"
    assert {english for _, english in extracted} >= set(EN.values())


@pytest.mark.parametrize("code", i18n.catalog_languages()[1:])
def test_each_language_catalog_has_every_message_of_the_template(code: str) -> None:
    path = i18n.LOCALE_DIR / i18n.locale_name(code) / "LC_MESSAGES" / "messages.po"
    assert _keys(path) == _keys(i18n.LOCALE_DIR / "messages.pot")


@pytest.mark.parametrize("code", REQUIRED)
def test_every_page_word_is_translated_in_each_required_language(code: str) -> None:
    assert code in languages.LANGUAGES
    assert code in i18n.catalog_languages()
    untranslated = [key for key, english in EN.items() if not i18n.has(code, english)]
    assert untranslated == []
    words = texts_for(code)
    assert words["dob_title"] != EN["dob_title"] and words["agree"] != EN["agree"]


@pytest.mark.parametrize("code", REQUIRED)
def test_every_shipped_sms_text_is_translated_in_each_required_language(code: str) -> None:
    kinds = {
        kind: body for path in SHIPPED for kind, body in json.loads(path.read_text())["en"].items()
    }
    missing = [
        kind for kind, english in kinds.items() if not i18n.has(code, english, f"sms:{kind}")
    ]
    assert missing == []


def test_at_least_25_languages_besides_english() -> None:
    assert len(set(i18n.catalog_languages()) - {"en"}) >= 25


def test_the_shipped_sms_texts_agree_with_the_catalogs() -> None:
    """Templates staff edit stay data; their shipped defaults are checked against the catalogs."""
    checked = 0
    for path in SHIPPED:
        shipped = json.loads(path.read_text(encoding="utf-8"))
        for lang, texts in shipped.items():
            code = lang
            for kind, body in texts.items():
                english = shipped["en"][kind]
                if lang == "en":
                    assert i18n.gettext("en", english, f"sms:{kind}") == body
                    continue
                assert i18n.gettext(code, english, f"sms:{kind}") == body, (lang, kind)
                checked += 1
    assert checked >= 100


@pytest.mark.parametrize("code", i18n.catalog_languages()[1:])
def test_translations_keep_the_placeholders_of_the_english(code: str) -> None:
    path = i18n.LOCALE_DIR / i18n.locale_name(code) / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        for message in read_po(handle):
            if message.id and message.string:
                names = set(re.findall(r"\{(\w+)\}", str(message.id)))
                assert set(re.findall(r"\{(\w+)\}", str(message.string))) == names, message.id


def test_the_words_language_is_the_nearest_one_with_a_catalog() -> None:
    assert page_language("phr", "en") == "ur"  # Mirpuri speakers read Urdu
    assert page_language("zh", "en") == "zh"
    assert page_language(None, "pa-Arab") == "pa-Arab"
    assert page_language("ne", "ur") == "en"  # no Nepali words yet: English, said as English
    assert page_language("xx", "pl") == "pl"
    assert page_language(None, "und") == "en"  # a patient whose list did not say


def test_the_switch_offers_every_language_with_words_but_the_current_one() -> None:
    codes = [code for code, _ in switch_languages("pl")]
    assert "pl" not in codes and "en" in codes and "ur" in codes and len(codes) >= 25


def test_every_translation_drafted_here_is_marked_unreviewed() -> None:
    rows = {row.code: row for row in i18n.coverage()}
    assert set(REQUIRED) <= set(rows)
    for code in REQUIRED:
        row = rows[code]
        assert not row.reviewed and row.unreviewed == row.translated > 0, code
        assert row.reviewed_by is None


def test_a_language_reviewed_by_its_own_author_is_not_reviewed() -> None:
    author = i18n.reviews()["pl"]["author"]
    own = i18n.coverage({"pl": {"author": author, "reviewed_by": author}})
    row = next(r for r in own if r.code == "pl")
    assert not row.reviewed and row.problems
    other = i18n.coverage({"pl": {"author": author, "reviewed_by": "A. Nowak (fluent)"}})
    row = next(r for r in other if r.code == "pl")
    assert row.reviewed_by == "A. Nowak (fluent)"
    assert not row.reviewed  # until the entries' "unreviewed" comments are removed


def test_the_report_lists_each_language() -> None:
    report = i18n.report()
    for code in REQUIRED:
        assert re.search(rf"^{re.escape(code)}\s+\d+\s+\d+\s+\d+\s+\d+\s+no", report, re.M), code


def test_a_language_signed_off_by_another_reviewer_with_no_unreviewed_entry_is_reviewed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = i18n.LOCALE_DIR / "pl" / "LC_MESSAGES" / "messages.po"
    target = tmp_path / "pl" / "LC_MESSAGES" / "messages.po"
    target.parent.mkdir(parents=True)
    target.write_text(source.read_text(encoding="utf-8").replace("# unreviewed\n", ""), "utf-8")
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    [row] = i18n.coverage({"pl": {"author": "drafter", "reviewed_by": "A. Nowak (fluent)"}})
    assert row.reviewed and row.unreviewed == 0 and row.missing == 0

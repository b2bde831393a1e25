"""Export and import of one language for translators: PO and CSV, placeholders, reviewers."""

from __future__ import annotations

import csv
import io
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from shared import i18n, translations

LINK = "sms:consent_link"


@pytest.fixture(autouse=True)
def locale(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A copy of the catalogs, so an import never writes the committed ones."""
    copy = tmp_path / "locale"
    shutil.copytree(i18n.LOCALE_DIR, copy, ignore=shutil.ignore_patterns("*.mo"))
    monkeypatch.setattr(i18n, "LOCALE_DIR", copy)
    i18n.catalog.cache_clear()
    yield copy
    i18n.catalog.cache_clear()


def entries(code: str) -> dict[tuple[str | None, str], tuple[str, list[str]]]:
    path = i18n.LOCALE_DIR / i18n.locale_name(code) / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        return {
            (m.context, str(m.id)): (str(m.string), list(m.user_comments))
            for m in read_po(handle)
            if m.id
        }


def sheet(code: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(translations.export(code, "csv"))))


def write_sheet(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def link_row(rows: list[list[str]]) -> int:
    return next(i for i, row in enumerate(rows) if row[0] == LINK)


def test_the_spreadsheet_has_the_translator_columns_and_every_entry() -> None:
    rows = sheet("pl")
    assert rows[0] == ["context", "English", "translation", "reviewed-by", "notes"]
    assert len(rows) - 1 == len(entries("pl"))
    row = rows[link_row(rows)]
    assert "{link}" in row[1] and "{link}" in row[2]
    assert row[3] == "" and "unreviewed" in row[4] and "SMS template consent_link" in row[4]


def test_a_spreadsheet_exported_and_imported_back_changes_no_translation(tmp_path: Path) -> None:
    before = entries("pl")
    result = translations.import_file("pl", write_sheet(tmp_path / "pl.csv", sheet("pl")))
    assert result.errors == [] and result.imported == len(before)
    after = entries("pl")
    assert {key: text for key, (text, _) in after.items()} == {
        key: text for key, (text, _) in before.items()
    }
    assert all(comments[:1] == ["unreviewed"] for _, comments in after.values())


def test_a_po_file_exported_edited_and_imported_lands_unreviewed(tmp_path: Path) -> None:
    text = translations.export("pl", "po")
    assert text.startswith("# pl:") and 'msgctxt "sms:ack_no"' in text
    edited = text.replace('msgstr "Miesiąc"', 'msgstr "Miesiąc (mies.)"')
    assert edited != text
    (tmp_path / "pl.po").write_text(edited, encoding="utf-8")
    result = translations.import_file("pl", tmp_path / "pl.po")
    assert result.errors == [] and result.reviewed == 0
    assert entries("pl")[(None, "Month")] == ("Miesiąc (mies.)", ["unreviewed"])


def test_a_row_whose_placeholders_differ_is_refused_by_name_and_the_good_rows_land(
    tmp_path: Path,
) -> None:
    rows = sheet("pl")
    bad = link_row(rows)
    rows[bad][2] = rows[bad][2].replace("{link}", "{odnosnik}")
    month = next(i for i, row in enumerate(rows) if row[1] == "Month")
    rows[month][2] = "Miesiąc!"
    before = entries("pl")[(LINK, rows[bad][1])]
    result = translations.import_file("pl", write_sheet(tmp_path / "pl.csv", rows))
    [error] = result.errors
    # CSV row numbers count the header as row 1, as a spreadsheet shows them.
    assert error.startswith(f"row {bad + 1} (sms:consent_link: ")
    assert "missing {link}" in error and "unknown {odnosnik}" in error
    assert entries("pl")[(LINK, rows[bad][1])] == before
    assert entries("pl")[(None, "Month")][0] == "Miesiąc!"
    assert result.imported == len(rows) - 2


def test_the_cli_says_which_row_was_refused_and_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "pl.csv"
    assert i18n.main(["export", "--lang", "pl", "--format", "csv", "-o", str(out)]) == 0
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8"))))
    bad = link_row(rows)
    rows[bad][2] = rows[bad][2].replace("{link}", "")
    assert i18n.main(["import", "--lang", "pl", str(write_sheet(out, rows))]) == 1
    captured = capsys.readouterr()
    assert f"row {bad + 1}" in captured.err and "missing {link}" in captured.err
    assert "1 refused" in captured.out
    assert i18n.main(["export", "--lang", "xx", "--format", "csv"]) == 2


def test_a_review_by_the_author_keeps_the_entry_unreviewed_and_is_not_recorded(
    tmp_path: Path,
) -> None:
    author = i18n.reviews()["pl"]["author"]
    assert author
    rows = sheet("pl")
    month = next(i for i, row in enumerate(rows) if row[1] == "Month")
    rows[month][3] = author
    result = translations.import_file(
        "pl", write_sheet(tmp_path / "pl.csv", [rows[0], rows[month]])
    )
    assert result.reviewed == 0 and result.recorded_reviewer is None
    assert "own author" in result.warnings[0] and result.warnings[0].startswith("row 2")
    assert entries("pl")[(None, "Month")][1] == ["unreviewed"]
    assert i18n.reviews()["pl"]["reviewed_by"] is None


def test_a_review_by_someone_else_clears_the_mark_and_is_recorded(tmp_path: Path) -> None:
    rows = sheet("pl")
    month = next(i for i, row in enumerate(rows) if row[1] == "Month")
    day = next(i for i, row in enumerate(rows) if row[1] == "Day")
    rows[month][3] = "Anna Nowak (fluent reviewer)"
    result = translations.import_file(
        "pl", write_sheet(tmp_path / "pl.csv", [rows[0], rows[month], rows[day]])
    )
    assert (result.imported, result.reviewed) == (2, 1)
    assert entries("pl")[(None, "Month")][1] == []
    assert entries("pl")[(None, "Day")][1] == ["unreviewed"]  # no reviewer named: unreviewed
    signed = json.loads((i18n.LOCALE_DIR / "reviews.json").read_text(encoding="utf-8"))
    assert signed["pl"]["reviewed_by"] == "Anna Nowak (fluent reviewer)"
    assert signed["pl"]["author"] == i18n.reviews()["pl"]["author"] and signed["pl"]["reviewed_at"]
    # The rest of the language is still unreviewed, so the language is not signed off.
    row = next(r for r in i18n.coverage() if r.code == "pl")
    assert not row.reviewed and row.unreviewed == row.translated - 1


def test_a_po_file_reviewed_by_someone_else_is_reviewed(tmp_path: Path) -> None:
    (tmp_path / "pl.po").write_text(translations.export("pl", "po"), encoding="utf-8")
    result = translations.import_file("pl", tmp_path / "pl.po", reviewed_by="Anna Nowak")
    assert result.reviewed == result.imported > 0
    assert all(comments == [] for _, comments in entries("pl").values())
    row = next(r for r in i18n.coverage() if r.code == "pl")
    assert row.reviewed and row.reviewed_by == "Anna Nowak"


def test_a_sheet_with_other_columns_is_refused_whole(tmp_path: Path) -> None:
    with pytest.raises(translations.TranslationFileError, match="columns"):
        translations.import_file("pl", write_sheet(tmp_path / "pl.csv", [["id", "text"]]))

"""Export and import one language's catalog for translators (issue 15 item 5).

A translator gets the language's PO file, or a CSV spreadsheet with the columns
context, English, translation, reviewed-by, notes (for those who don't use PO tools), and
sends it back. Import:

- refuses a row whose placeholders ({name} style) differ from the English, naming the row,
  and never drops the good rows because of a bad one;
- marks every imported entry "unreviewed" unless the reviewer named for it is someone other
  than the author recorded for the language in reviews.json (the reviewer is never the
  author, the rule templates follow too);
- records that reviewer in reviews.json only then.

Run as `python -m shared.i18n export|import` (see `main` in shared/i18n.py).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po, write_po

from shared import clock, i18n

COLUMNS = ("context", "English", "translation", "reviewed-by", "notes")
FORMATS = ("po", "csv")
PLACEHOLDER = re.compile(r"\{(\w+)\}")


class TranslationFileError(ValueError):
    """The file as a whole cannot be read (wrong columns, unknown language)."""


@dataclass(frozen=True)
class Row:
    """One translation as a translator returns it; `where` names it in errors."""

    where: str
    context: str | None
    english: str
    translation: str
    reviewed_by: str


@dataclass
class ImportResult:
    imported: int = 0
    reviewed: int = 0
    unchanged_empty: int = 0
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    recorded_reviewer: str | None = None


def _po_path(code: str) -> Path:
    return i18n.LOCALE_DIR / i18n.locale_name(code) / "LC_MESSAGES" / f"{i18n.DOMAIN}.po"


def _reviews_path() -> Path:
    return i18n.LOCALE_DIR / "reviews.json"


def _load(code: str) -> Catalog:
    path = _po_path(code)
    if not path.exists():
        raise TranslationFileError(f"no catalog for {code!r}: run `make i18n-update` first")
    with path.open("rb") as handle:
        return read_po(handle, locale=i18n.locale_name(code))


def _save(code: str, catalog: Catalog) -> None:
    buffer = io.BytesIO()
    # The width and options `make i18n-update` writes with, so files stay diffable.
    write_po(buffer, catalog, width=100, ignore_obsolete=True)
    _po_path(code).write_bytes(buffer.getvalue())


def _entries(catalog: Catalog) -> list[Message]:
    return [m for m in catalog if m.id]


# Export


def export(code: str, fmt: str) -> str:
    """Language `code`'s catalog as PO text or as CSV text."""
    if fmt not in FORMATS:
        raise TranslationFileError(f"format must be one of {', '.join(FORMATS)}")
    catalog = _load(code)  # refuses a language with no catalog
    if fmt == "po":
        return _po_path(code).read_text(encoding="utf-8")
    reviewer = i18n.reviews().get(code, {}).get("reviewed_by") or ""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for message in _entries(catalog):
        unreviewed = any(i18n.UNREVIEWED in c for c in message.user_comments)
        notes = [*message.auto_comments, *(c for c in message.user_comments)]
        writer.writerow(
            [
                message.context or "",
                str(message.id),
                str(message.string or ""),
                "" if unreviewed or not message.string else reviewer,
                "; ".join(notes),
            ]
        )
    return buffer.getvalue()


# Reading what a translator sends back


def rows_from_csv(text: str) -> list[Row]:
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))  # Excel writes a BOM
    header = [h.strip() for h in next(reader, [])]
    if [h.lower() for h in header[: len(COLUMNS)]] != [c.lower() for c in COLUMNS]:
        raise TranslationFileError(f"the first row must be the columns {', '.join(COLUMNS)}")
    rows = []
    for number, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        cells = [*cells, *[""] * len(COLUMNS)]
        rows.append(
            Row(
                where=f"row {number}",
                context=cells[0].strip() or None,
                english=cells[1],
                translation=cells[2],
                reviewed_by=cells[3].strip(),
            )
        )
    return rows


def rows_from_po(text: str, reviewed_by: str = "") -> list[Row]:
    """A PO file carries no reviewer per entry: `reviewed_by` names one for the file."""
    catalog = read_po(io.BytesIO(text.encode("utf-8")))
    return [
        Row(
            where=f"line {message.lineno}",
            context=message.context,
            english=str(message.id),
            translation=str(message.string or ""),
            reviewed_by=reviewed_by.strip(),
        )
        for message in _entries(catalog)
    ]


def placeholder_problem(english: str, translation: str) -> str | None:
    """Why `translation` cannot be sent in place of `english`, or None."""
    wanted = sorted(PLACEHOLDER.findall(english))
    found = sorted(PLACEHOLDER.findall(translation))
    if wanted == found:
        return None
    missing = sorted(set(wanted) - set(found))
    extra = sorted(set(found) - set(wanted))
    parts = []
    if missing:
        parts.append("missing " + ", ".join(f"{{{n}}}" for n in missing))
    if extra:
        parts.append("unknown " + ", ".join(f"{{{n}}}" for n in extra))
    if not parts:
        parts.append("placeholders repeated differently from the English")
    return "placeholders differ from the English: " + "; ".join(parts)


def _short(text: str) -> str:
    return text if len(text) <= 50 else text[:47] + "..."


def import_rows(code: str, rows: Iterable[Row], now: datetime | None = None) -> ImportResult:
    """Apply `rows` to `code`'s catalog; every good row lands whatever the bad ones do."""
    catalog = _load(code)
    signed = i18n.reviews()
    state = signed.get(code, {})
    author = (state.get("author") or "").strip()
    result = ImportResult()
    reviewers: set[str] = set()
    for row in rows:
        message = catalog.get(row.english, context=row.context)
        label = f"{row.where} ({row.context + ': ' if row.context else ''}{_short(row.english)!r})"
        if message is None:
            result.errors.append(f"{label}: not in the catalog; export the language again")
            continue
        if not row.translation.strip():
            result.unchanged_empty += 1
            continue
        problem = placeholder_problem(row.english, row.translation)
        if problem:
            result.errors.append(f"{label}: {problem}")
            continue
        message.string = row.translation
        message.flags.discard("fuzzy")
        comments = [c for c in message.user_comments if i18n.UNREVIEWED not in c]
        # Reviewed only by someone known to be other than the author; with no author on
        # record nobody can tell, so it stays unreviewed.
        if row.reviewed_by and author and row.reviewed_by.casefold() != author.casefold():
            reviewers.add(row.reviewed_by)
            result.reviewed += 1
        else:
            comments.insert(0, i18n.UNREVIEWED)
            if row.reviewed_by:
                why = "its own author" if author else "nobody on record as its author"
                result.warnings.append(
                    f"{label}: reviewed by {why}; kept unreviewed (the reviewer must be "
                    "someone other than the author)"
                )
        message.user_comments = comments
        result.imported += 1
    _save(code, catalog)
    if reviewers:
        result.recorded_reviewer = ", ".join(sorted(reviewers))
        signed[code] = {
            "author": state.get("author"),
            "reviewed_by": result.recorded_reviewer,
            "reviewed_at": (now or clock.now()).isoformat(timespec="seconds"),
        }
        _reviews_path().write_text(
            json.dumps(signed, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
    i18n.catalog.cache_clear()
    return result


def import_file(
    code: str, path: Path, fmt: str | None = None, reviewed_by: str = ""
) -> ImportResult:
    fmt = fmt or path.suffix.lstrip(".").lower()
    text = path.read_text(encoding="utf-8")
    if fmt == "csv":
        rows = rows_from_csv(text)
    elif fmt == "po":
        rows = rows_from_po(text, reviewed_by)
    else:
        raise TranslationFileError(f"format must be one of {', '.join(FORMATS)}")
    return import_rows(code, rows)

"""Patient-facing words from gettext catalogs: shared/locale/<lang>/LC_MESSAGES/messages.po.

English is the source (the msgid). Code marks a message with `N_("...")` (or `_()` in a
template); `make i18n-extract` collects them into shared/locale/messages.pot, `make
i18n-update` merges that into each language's .po and `make i18n-compile` builds the .mo
files the services read (built by `make venv`, never committed). Texts shipped as data (the
SMS templates messaging seeds) are extracted too, with the template's kind as msgctxt.

A translation written by someone who is not a fluent reviewer carries the translator
comment "unreviewed" until a reviewer, never its author, signs the language off in
shared/locale/reviews.json (see `python -m shared.i18n report`).
"""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from shared import languages

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "messages"
UNREVIEWED = "unreviewed"
log = logging.getLogger(__name__)


def N_(message: str) -> str:
    """Mark `message` for extraction; it is translated where it is shown."""
    return message


def locale_name(code: str) -> str:
    """The catalog directory for a BCP 47 code: pa-Arab -> pa_Arab, as Babel names it."""
    return code.replace("-", "_")


def _po_path(code: str) -> Path:
    return LOCALE_DIR / locale_name(code) / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def catalog(code: str) -> Translations | None:
    """The compiled catalog for exactly `code`, or None when there is none."""
    po = _po_path(code)
    mo = po.with_suffix(".mo")
    if mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as handle:
            return Translations(handle, domain=DOMAIN)
    if not po.exists():
        return None
    # Not compiled yet (a checkout without `make venv`): compile in memory, say so once.
    log.warning("i18n.not_compiled", extra={"language": code})
    with po.open("rb") as handle:
        parsed = read_po(handle, locale=locale_name(code))
    buffer = io.BytesIO()
    write_mo(buffer, parsed)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


def catalog_languages() -> list[str]:
    """Every language with page words: English and each one with a catalog."""
    found = [
        path.parent.parent.name.replace("_", "-")
        for path in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po")
    ]
    return ["en", *sorted(code for code in found if code in languages.LANGUAGES)]


def words_language(code: str) -> str:
    """The language the words for `code` are shown in: it, a fallback with a catalog, or en."""
    for candidate in languages.fallbacks(code) if code in languages.LANGUAGES else ["en"]:
        if candidate == "en" or catalog(candidate) is not None:
            return candidate
    return "en"


def gettext(code: str, message: str, context: str | None = None) -> str:
    """`message` in `code` (through its fallbacks), or the English when none has it."""
    for candidate in languages.fallbacks(code) if code in languages.LANGUAGES else []:
        found = catalog(candidate)
        if found is None:
            continue
        text = found.pgettext(context, message) if context else found.gettext(message)
        if text != message:
            return str(text)
    return message


def has(code: str, message: str, context: str | None = None) -> bool:
    """Whether exactly `code`'s catalog translates `message` (no fallbacks)."""
    found = catalog(code)
    if found is None:
        return False
    text = found.pgettext(context, message) if context else found.gettext(message)
    return text != message


# Extraction of texts shipped as data (babel.cfg names this function).


def extract_shipped_json(
    fileobj: Any, keywords: Any, comment_tags: Any, options: dict[str, Any]
) -> Iterator[tuple[int, str, tuple[str, str], list[str]]]:
    """The English of each shipped SMS template, its kind as msgctxt."""
    shipped = json.loads(fileobj.read().decode("utf-8"))
    for kind, body in shipped.get("en", {}).items():
        yield 0, "pgettext", (f"sms:{kind}", body), [f"SMS template {kind}"]


# Coverage, per language


@dataclass(frozen=True)
class Coverage:
    code: str
    total: int
    translated: int
    fuzzy: int
    missing: int
    unreviewed: int
    author: str | None
    reviewed_by: str | None
    problems: tuple[str, ...]

    @property
    def reviewed(self) -> bool:
        return not self.problems and bool(self.reviewed_by) and self.unreviewed == 0


def reviews() -> dict[str, dict[str, str | None]]:
    path = LOCALE_DIR / "reviews.json"
    data: dict[str, dict[str, str | None]] = json.loads(path.read_text(encoding="utf-8"))
    return data


def coverage(signed: dict[str, dict[str, str | None]] | None = None) -> list[Coverage]:
    signed = reviews() if signed is None else signed
    rows = []
    for code in catalog_languages()[1:]:
        with _po_path(code).open("rb") as handle:
            parsed = read_po(handle, locale=locale_name(code))
        entries = [m for m in parsed if m.id]
        translated = [m for m in entries if m.string and not m.fuzzy]
        state = signed.get(code, {})
        author, reviewer = state.get("author"), state.get("reviewed_by")
        problems = []
        if reviewer and reviewer == author:
            problems.append("reviewed by its own author")
        rows.append(
            Coverage(
                code=code,
                total=len(entries),
                translated=len(translated),
                fuzzy=sum(1 for m in entries if m.fuzzy),
                missing=sum(1 for m in entries if not m.string),
                # A reviewer signs a language off and removes the comments of what they
                # read; an entry added since still carries its own.
                unreviewed=sum(
                    1 for m in translated if any(UNREVIEWED in c for c in m.user_comments)
                ),
                author=author,
                reviewed_by=reviewer if not problems else None,
                problems=tuple(problems),
            )
        )
    return rows


def report() -> str:
    lines = [f"{'language':10} {'total':>5} {'done':>5} {'fuzzy':>5} {'miss':>5}  reviewed"]
    for row in coverage():
        notes = "".join(f"; {problem}" for problem in row.problems)
        state = (
            f"yes, by {row.reviewed_by}"
            if row.reviewed
            else f"no ({row.unreviewed} unreviewed{notes})"
        )
        lines.append(
            f"{row.code:10} {row.total:5} {row.translated:5} {row.fuzzy:5} {row.missing:5}  {state}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """`report` (the default), or `export`/`import` one language for its translators."""
    import argparse
    import sys

    from shared import translations

    parser = argparse.ArgumentParser(prog="python -m shared.i18n")
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("report", help="per language: translated, fuzzy, missing, reviewed")
    out = commands.add_parser("export", help="one language as a PO file or a CSV spreadsheet")
    out.add_argument("--lang", required=True)
    out.add_argument("--format", choices=translations.FORMATS, default="po")
    out.add_argument("--output", "-o", type=Path, help="a file; standard output if omitted")
    back = commands.add_parser("import", help="a translator's PO or CSV back into the catalog")
    back.add_argument("--lang", required=True)
    back.add_argument("file", type=Path)
    back.add_argument("--format", choices=translations.FORMATS, help="default: the suffix")
    back.add_argument(
        "--reviewed-by", default="", help="for a PO file: the reviewer of every entry in it"
    )
    args = parser.parse_args(argv)
    try:
        if args.command == "export":
            text = translations.export(args.lang, args.format)
            if args.output:
                args.output.write_text(text, encoding="utf-8")
            else:
                sys.stdout.write(text)
            return 0
        if args.command == "import":
            result = translations.import_file(args.lang, args.file, args.format, args.reviewed_by)
            for line in [*result.errors, *result.warnings]:
                print(line, file=sys.stderr)
            reviewer = (
                f"; reviewer recorded: {result.recorded_reviewer}"
                if (result.recorded_reviewer)
                else ""
            )
            print(
                f"{args.lang}: {result.imported} imported ({result.reviewed} reviewed, "
                f"{result.imported - result.reviewed} unreviewed), {len(result.errors)} "
                f"refused{reviewer}"
            )
            return 1 if result.errors else 0
    except translations.TranslationFileError as error:
        print(error, file=sys.stderr)
        return 2
    print(report())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

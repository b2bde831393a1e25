"""Score the reply classifier on the independent evaluation set, per language.

    python -m bench.replies_eval [--tsv] [--set bench/eval/replies]

Each bench/eval/replies/<lang>.tsv holds CONVENTION<TAB>TEXT<TAB>EXPECTED<TAB>NOTE lines
(TEXT escaped as `python -m services.messaging.replies` reads it: \\t, \\n, \\\\). Every
reply goes through the public `classify(text, language, convention)`. Figures per
language: n, accuracy, false YES (read as yes, expected anything else) and refusals read
as yes (expected no or stop, read as yes). A language code the command does not accept
scores zero: every row counts as wrong, and the table says so. Always exits 0: this is a
measurement, not a gate (the shape of the set is checked by a unit test).
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from services.messaging.domain.replies import classify
from shared.languages import LANGUAGES

SET_DIR = Path(__file__).parent / "eval" / "replies"
CONVENTIONS = ("words", "digits")
INTENTS = ("yes", "no", "stop", "help", "start", "callback", "unknown")
REFUSALS = ("no", "stop")

_ESCAPE = re.compile(r"\\([\\tn])")
_UNESCAPED = {"\\": "\\", "t": "\t", "n": "\n"}


@dataclass(frozen=True)
class Case:
    line: int
    convention: str
    text: str
    expected: str
    note: str


class MalformedSet(ValueError):
    pass


def unescape(text: str) -> str:
    return _ESCAPE.sub(lambda match: _UNESCAPED[match.group(1)], text)


def load(path: Path) -> list[Case]:
    """The cases of one file; MalformedSet names the first line that does not parse."""
    cases = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not raw.strip() or raw.startswith("#"):
            continue
        fields = raw.split("\t")
        if len(fields) != 4:
            raise MalformedSet(f"{path.name}:{number}: {len(fields)} fields, expected 4")
        convention, text, expected, note = fields
        if convention not in CONVENTIONS:
            raise MalformedSet(f"{path.name}:{number}: convention {convention!r}")
        if expected not in INTENTS:
            raise MalformedSet(f"{path.name}:{number}: expected {expected!r}")
        if not text.strip() or not note.strip():
            raise MalformedSet(f"{path.name}:{number}: empty text or note")
        cases.append(Case(number, convention, unescape(text), expected, note))
    return cases


def languages(directory: Path = SET_DIR) -> dict[str, Path]:
    return {path.stem: path for path in sorted(directory.glob("*.tsv"))}


@dataclass
class Score:
    language: str
    known: bool
    n: int = 0
    right: int = 0
    false_yes: int = 0
    refusals_as_yes: int = 0
    misses: list[tuple[Case, str]] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return self.right / self.n if self.n else 0.0


def score(language: str, cases: list[Case]) -> Score:
    # The classifier quietly falls back for codes it does not know, so "known" is what
    # the command accepts: the codes of shared/languages.py.
    result = Score(language, known=language in LANGUAGES)
    for case in cases:
        result.n += 1
        if not result.known:
            result.misses.append((case, "(language not accepted)"))
            continue
        got = classify(case.text, language, case.convention)
        if got == case.expected:
            result.right += 1
            continue
        result.misses.append((case, got))
        if got == "yes":
            result.false_yes += 1
            if case.expected in REFUSALS:
                result.refusals_as_yes += 1
    return result


def total(scores: list[Score]) -> Score:
    overall = Score("ALL", known=all(s.known for s in scores))
    for s in scores:
        overall.n += s.n
        overall.right += s.right
        overall.false_yes += s.false_yes
        overall.refusals_as_yes += s.refusals_as_yes
    return overall


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.replies_eval", description=__doc__)
    parser.add_argument("--tsv", action="store_true", help="tab-separated output")
    parser.add_argument("--set", type=Path, default=SET_DIR, help="directory of <lang>.tsv")
    parser.add_argument("--misses", action="store_true", help="also list each wrong reply")
    args = parser.parse_args(argv)

    scores = [score(lang, load(path)) for lang, path in languages(args.set).items()]
    rows = [*scores, total(scores)]
    if args.tsv:
        print("language\tn\tright\taccuracy\tfalse_yes\trefusals_as_yes\taccepted")
        for s in rows:
            print(
                f"{s.language}\t{s.n}\t{s.right}\t{s.accuracy:.3f}\t{s.false_yes}"
                f"\t{s.refusals_as_yes}\t{'yes' if s.known else 'no'}"
            )
    else:
        print("| language | n | accuracy | false YES | refusals read as yes | note |")
        print("| --- | ---: | ---: | ---: | ---: | --- |")
        for s in rows:
            note = "" if s.known else "code not accepted: all counted wrong"
            if s.language == "ALL":
                note = ""
            print(
                f"| {s.language} | {s.n} | {s.accuracy:.1%} | {s.false_yes}"
                f" | {s.refusals_as_yes} | {note} |"
            )
    if args.misses:
        for s in scores:
            for case, got in s.misses:
                print(
                    f"{s.language}:{case.line}\t{case.convention}\t{case.text!r}"
                    f"\texpected {case.expected}\tgot {got}",
                    file=sys.stderr,
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())

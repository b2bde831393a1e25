"""Reply understanding on the project's DEVELOPMENT set (not the evaluation set).

The set is tests/unit/messaging/replies_dev/<code>.tsv, written by the project and
unreviewed (its README says how); common.tsv, English replies patients of every
language send, is counted under each language unless the language's own file labels
the same text. A third column "digits" marks a reply to a template that asked for digits.
Prints accuracy per language, overall,
and every false YES (a reply read as YES that is not one: the mistake that must never
happen). Usage: .venv/bin/python -m bench.replies_dev [--wrong]
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

from services.messaging.domain.replies import WORDS, YES, classify

DEV_DIR = Path(__file__).resolve().parent.parent / "tests/unit/messaging/replies_dev"
COMMON = "common"


@dataclass(frozen=True)
class Row:
    language: str
    text: str
    expected: str
    convention: str = WORDS  # "digits" where the template asked "Reply 1 for YES"


def _unescape(text: str) -> str:
    return text.replace("\\n", "\n").replace("\\t", "\t")


def _rows(path: Path, language: str) -> list[Row]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            # TEXT<TAB>EXPECTED, or TEXT<TAB>EXPECTED<TAB>CONVENTION (batch 6 on)
            text, expected, *convention = line.split("\t")
            rows.append(Row(language, _unescape(text), expected, *convention))
    return rows


def load_dev_set() -> list[Row]:
    common = DEV_DIR / f"{COMMON}.tsv"
    rows: list[Row] = []
    for path in sorted(DEV_DIR.glob("*.tsv")):
        if path.stem == COMMON:
            continue
        own = _rows(path, path.stem)
        # A language's own label wins: Polish "No" is not a refusal ("no" is "well").
        written = {row.text.casefold() for row in own}
        rows += own
        if path.stem != "en":
            rows += [r for r in _rows(common, path.stem) if r.text.casefold() not in written]
    return rows


@dataclass(frozen=True)
class Result:
    row: Row
    got: str

    @property
    def right(self) -> bool:
        return self.got == self.row.expected

    @property
    def false_yes(self) -> bool:
        return self.got == YES and self.row.expected != YES


def evaluate() -> list[Result]:
    return [Result(row, classify(row.text, row.language, row.convention)) for row in load_dev_set()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--wrong", action="store_true", help="list every wrong reply")
    args = parser.parse_args()
    results = evaluate()
    languages = sorted({r.row.language for r in results})
    print(f"{'language':10} {'replies':>7} {'right':>6} {'accuracy':>9} {'false YES':>9}")
    for language in languages:
        mine = [r for r in results if r.row.language == language]
        right = sum(r.right for r in mine)
        wrong_yes = sum(r.false_yes for r in mine)
        print(f"{language:10} {len(mine):7} {right:6} {right / len(mine):9.1%} {wrong_yes:9}")
    right = sum(r.right for r in results)
    false_yes = [r for r in results if r.false_yes]
    print(
        f"{'overall':10} {len(results):7} {right:6} {right / len(results):9.1%} {len(false_yes):9}"
    )
    for r in false_yes:
        print(f"FALSE YES {r.row.language}: {r.row.text!r} (expected {r.row.expected})")
    if args.wrong:
        for r in results:
            if not r.right:
                print(
                    f"wrong {r.row.language}: {r.row.text!r} got {r.got}, expected {r.row.expected}"
                )


if __name__ == "__main__":
    main()

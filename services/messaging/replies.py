"""Classify replies from the command line, one per input line, as messaging does.

python -m services.messaging.replies < replies.tsv
"""

from __future__ import annotations

import argparse
import io
import re
import sys
from typing import TextIO, cast

from services.messaging.domain.replies import CONVENTIONS, UNKNOWN, classify
from shared.languages import LANGUAGES, parse_language

EPILOG = """\
input: UTF-8 lines LANG<TAB>CONVENTION<TAB>TEXT, where
  LANG        is the language the patient was written to: any code (or name) the
              registry's import accepts (en, ur, pa, pa-Arab, bn, syl, cs, ti, zh-Hant ...)
  CONVENTION  is how the template asked for the answer: words ("Reply YES or NO")
              or digits ("Reply 1 for YES, 2 for NO, 3 to STOP")
  TEXT        is the reply; a tab inside it is written \\t, a new line \\n and a
              backslash \\\\
output: one intent per input line, in order: yes, no, stop, help, start or unknown.
  Lines are read and answered as they arrive, so the command can run as a coprocess.
malformed lines (not UTF-8, fewer than three fields, an unknown LANG or CONVENTION):
  the line's output is "unknown", so output lines still match input lines; an error
  naming the line number goes to standard error; the other lines are classified as
  usual, and the exit status is 1 at the end. Otherwise it is 0.

"""

_CHUNK = 1 << 16
_ESCAPE = re.compile(r"\\([\\tn])")
_UNESCAPED = {"\\": "\\", "t": "\t", "n": "\n"}


class MalformedLine(ValueError):
    pass


def parse(line: bytes) -> tuple[str, str, str]:
    """LANG, CONVENTION and TEXT of one input line without its line ending."""
    try:
        decoded = line.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise MalformedLine(
            f"not UTF-8 (byte {line[exc.start]:#04x} at byte {exc.start + 1})"
        ) from None
    fields = decoded.split("\t", 2)
    if len(fields) < 3:
        found = "an empty line" if not decoded else f"{len(fields)} field(s)"
        raise MalformedLine(f"expected LANG<TAB>CONVENTION<TAB>TEXT, found {found}")
    language, convention, text = fields
    language = language.strip()
    # A code as import stores it first ("no" is Norwegian, "ga" Irish), then any code,
    # name or SNOMED CT concept import reads.
    known = (LANGUAGES.get(language) or parse_language(language)) if language else None
    if known is None:
        raise MalformedLine(
            f"unknown LANG {language!r}: use a language code, e.g. en, ur, pa-Arab, cs, ti"
        )
    code = known.code
    convention = convention.strip().casefold()
    if convention not in CONVENTIONS:
        raise MalformedLine(f"unknown CONVENTION {convention!r}: use words or digits")
    if "\\" in text:
        text = _ESCAPE.sub(lambda match: _UNESCAPED[match.group(1)], text)
    return code, convention, text


def run(stdin: io.BufferedIOBase, stdout: TextIO, stderr: TextIO) -> int:
    """Answer each line as soon as it is read; 1 when any line was malformed."""
    number = malformed = 0
    pending = b""
    while True:
        chunk = stdin.read1(_CHUNK)
        if number == 0 and not pending and chunk.startswith(b"\xef\xbb\xbf"):
            chunk = chunk[3:]  # a byte order mark that some editors add
        lines = (pending + chunk).split(b"\n")
        pending = lines.pop() if chunk else b""
        if not chunk and lines == [b""]:
            break
        answers: list[str] = []
        for line in lines:
            number += 1
            try:
                language, convention, text = parse(line.removesuffix(b"\r"))
                answers.append(classify(text, language, convention))
            except MalformedLine as exc:
                malformed += 1
                answers.append(UNKNOWN)
                stderr.write(f"line {number}: {exc}\n")
                stderr.flush()
        if answers:
            stdout.write("\n".join(answers) + "\n")
            stdout.flush()
        if not chunk:
            break
    return 1 if malformed else 0


def main(argv: list[str] | None = None) -> int:
    argparse.ArgumentParser(
        prog="python -m services.messaging.replies",
        description="Classify SMS replies the way messaging does, one per line.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    ).parse_args(argv)
    # At run time standard input is a BufferedReader, which reads what has arrived.
    return run(cast(io.BufferedIOBase, sys.stdin.buffer), sys.stdout, sys.stderr)


if __name__ == "__main__":
    sys.exit(main())

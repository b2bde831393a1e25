"""Reply classifier benchmark: replies per second, beside a bare loop, in one run.

    python -m bench.classifier [--replies 200000] [--rounds 3] [--no-command]

Inputs are the multilingual test set (tests/unit/messaging/replies_cases.tsv) and
variants of it as patients type them (case, punctuation, names after the answer,
invisible characters, held keys), in every language and both conventions. Figures:

- baseline: a bare loop over the same inputs doing `str.casefold` and one dict lookup,
  the least any classifier has to do;
- classify: `classify(text, language, convention)`, as the webhook calls it, with
  each language's memory of words it has already looked up; and again with that memory
  emptied before every reply (the worst case);
- command, in process: `services.messaging.replies.run` over the same replies written
  as input lines (parsing, unescaping and writing the answers included);
- command, as a process: `python -m services.messaging.replies` fed through a pipe:
  the time to its first answer (start-up), then the rate for all the replies.
Needs no servers.
"""

from __future__ import annotations

import argparse
import io
import random
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO

from bench.common import print_table
from services.messaging.domain.replies import classify
from services.messaging.domain.replies.vocabulary import vocabulary_for
from services.messaging.replies import parse, run

ROOT = Path(__file__).resolve().parents[1]
CASES = ROOT / "tests" / "unit" / "messaging" / "replies_cases.tsv"
TARGET = 50_000  # replies per second, from the issue
NAMES = ["Mrs Begum", "Tom", "Nasreen", "Mr Patel", "Ola", "Dr Khan", "Ahmed", "Li"]
Reply = tuple[str, str, str]  # language, convention, text


def test_set() -> list[Reply]:
    replies = []
    for line in CASES.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            command_input, _expected = line.rsplit("\t", 1)
            replies.append(parse(command_input.encode()))
    return replies


def variant(reply: Reply, rng: random.Random) -> Reply:
    language, convention, text = reply
    choice = rng.randrange(6)
    if choice == 0:
        text = text.upper()
    elif choice == 1:
        text = text + rng.choice(["!", ".", "!!", " 👍", "?", " x"])
    elif choice == 2:
        text = f"{text} thanks, {rng.choice(NAMES)}"
    elif choice == 3:
        at = rng.randrange(len(text) + 1)
        text = text[:at] + "\u200b" + text[at:]
    elif choice == 4 and text:
        at = rng.randrange(len(text))
        text = text[:at] + text[at] * 3 + text[at + 1 :]
    return language, convention, text


def inputs(count: int, seed: int = 5) -> list[Reply]:
    rng = random.Random(seed)
    base = test_set()
    return [variant(rng.choice(base), rng) for _ in range(count)]


def per_second(count: int, seconds: float) -> str:
    return f"{count / seconds:,.0f} replies/s"


def best_of(rounds: int, *works: Callable[[], object]) -> list[float]:
    """The fastest of several rounds of each, taken in turn so load hits all alike."""
    best = [float("inf")] * len(works)
    for _ in range(rounds):
        for at, work in enumerate(works):
            started = time.perf_counter()
            work()
            best[at] = min(best[at], time.perf_counter() - started)
    return best


def as_lines(replies: list[Reply]) -> bytes:
    def escape(text: str) -> str:
        return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")

    return "".join(f"{lang}\t{conv}\t{escape(text)}\n" for lang, conv, text in replies).encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replies", type=int, default=200_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-command", action="store_true", help="skip the process run")
    args = parser.parse_args()

    replies = inputs(args.replies)
    distinct = len(set(replies))
    answers = {"yes": "yes", "y": "yes", "no": "no", "n": "no", "stop": "stop", "help": "help"}

    def baseline() -> None:
        for _language, _convention, text in replies:
            answers.get(text.casefold(), "unknown")

    def ours() -> None:
        for language, convention, text in replies:
            classify(text, language, convention)

    def ours_forgetting() -> None:
        # The worst case: every word is new, so none is looked up from memory.
        for language, convention, text in replies:
            vocabulary_for(language).forget()
            classify(text, language, convention)

    lines = as_lines(replies)

    def command_in_process() -> None:
        run(io.BytesIO(lines), io.StringIO(), io.StringIO())

    ours()  # build each language's vocabulary once, as a running service would
    base_s, ours_s, cold_s, command_s = best_of(
        args.rounds, baseline, ours, ours_forgetting, command_in_process
    )
    met = "met" if len(replies) / ours_s >= TARGET else "NOT met"
    rows = [
        ("replies", f"{len(replies):,} ({distinct:,} distinct), best of {args.rounds} rounds"),
        ("baseline: casefold + dict", per_second(len(replies), base_s)),
        ("classify", per_second(len(replies), ours_s)),
        ("ratio classify / baseline", f"{base_s / ours_s:.3f}"),
        ("classify, no word remembered", per_second(len(replies), cold_s)),
        ("command, in process", per_second(len(replies), command_s)),
        ("target", f"{TARGET:,} replies/s: {met}"),
    ]
    if not args.no_command:
        startup, streaming = _process(lines)
        rows += [
            ("command process start-up", f"{startup:.2f} s (to the first answer)"),
            ("command process, after start-up", per_second(len(replies), streaming)),
        ]
    print("Reply classifier")
    print_table(rows)


def _process(lines: bytes) -> tuple[float, float]:
    """Seconds to the first answer, then seconds to answer all the lines through a pipe."""
    started = time.perf_counter()
    with subprocess.Popen(
        [sys.executable, "-m", "services.messaging.replies"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        cwd=ROOT,
    ) as process:
        assert process.stdin is not None and process.stdout is not None
        process.stdin.write(b"en\twords\tyes\n")
        process.stdin.flush()
        assert process.stdout.readline() == b"yes\n"
        ready = time.perf_counter()
        writer = threading.Thread(target=_write_and_close, args=(process.stdin, lines))
        writer.start()
        answered = process.stdout.read().count(b"\n")
        finished = time.perf_counter()
        writer.join()
    assert answered == lines.count(b"\n")
    return ready - started, finished - ready


def _write_and_close(pipe: IO[bytes], data: bytes) -> None:
    pipe.write(data)
    pipe.close()


if __name__ == "__main__":
    main()

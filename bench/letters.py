"""Letters rendered per second, and whether memory stays flat over thousands of them.

Renders N invitation letters through the same code the batch download uses (letter_layout,
letter_words, WeasyPrint with the Noto fonts, a segno QR code per letter), cycling through
Urdu, Bengali, Polish, Punjabi (Shahmukhi), Arabic and English with one in ten in large print,
each letter its own PDF as a print provider receives them. Beside it, in the same run, one
plain-English letter rendered again and again: the baseline. Resident memory is sampled after
every tenth of the run, so a leak shows as a rising column.

    .venv/bin/python -m bench.letters [--letters 10000] [--baseline 1000] [--part 250]

`--part` also renders letters `part` at a time into one PDF, as `GET .../letters.pdf` does.
"""

from __future__ import annotations

import argparse
import gc
import time
import uuid
from datetime import date
from pathlib import Path

from services.messaging.adapters.letter_ports import WeasyPrintRenderer
from services.messaging.domain import letter_layout
from services.messaging.domain.letters import Letter, Recipient
from services.messaging.service_layer.letter_printing import letter_html

LANGUAGES = ("ur", "bn", "pl", "pa-Arab", "ar", "en")
TRIAL = ("DEMO-AF", "Atrial fibrillation screening")
DAY = date(2026, 12, 6)


def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def a_letter(i: int, language: str | None = None) -> tuple[Letter, Recipient]:
    letter = Letter(
        message_id=uuid.uuid4(),
        batch_id=uuid.uuid4(),
        participant_id=uuid.uuid4(),
        trial_id=uuid.uuid4(),
        language=language or LANGUAGES[i % len(LANGUAGES)],
        large_print=language is None and i % 10 == 9,
        link=f"https://consent.example/c/{uuid.uuid4().hex[:22]}.{uuid.uuid4().hex[:22]}",
        short_link=f"https://consent.example/l/{uuid.uuid4().hex[:4].upper()}-ABCD-EFGH",
        code=f"{i % 1_000_000:06d}",
    )
    recipient = Recipient(
        f"Patient {i}", [f"{i % 300 + 1} Villa Road", "Birmingham", "B19 1BH"], False, "Lozells"
    )
    return letter, recipient


def run(count: int, renderer: WeasyPrintRenderer, fixed: bool) -> tuple[float, float, list[float]]:
    """(letters per second of wall time and of CPU time, RSS after each tenth) for `count`
    letters, one PDF each; each
    tenth is printed as it ends, so a long run on a busy machine shows its progress."""
    samples: list[float] = []
    step = max(1, count // 10)
    same = a_letter(0, "en")
    started = time.perf_counter()
    cpu = time.process_time()
    for i in range(count):
        letter, recipient = same if fixed else a_letter(i)
        html = letter_html(letter, recipient, TRIAL, renderer, DAY)
        renderer.pdf(letter_layout.document([html]))
        if (i + 1) % step == 0:
            samples.append(rss_mib())
            wall, used = time.perf_counter() - started, time.process_time() - cpu
            print(
                f"    {i + 1:>6} letters: {(i + 1) / wall:5.1f}/s wall, {(i + 1) / used:5.1f}/s "
                f"per CPU second, RSS {samples[-1]:.0f} MiB",
                flush=True,
            )
    return count / (time.perf_counter() - started), count / (time.process_time() - cpu), samples


def run_parts(count: int, part: int, renderer: WeasyPrintRenderer) -> tuple[float, list[float]]:
    samples: list[float] = []
    started = time.perf_counter()
    for start in range(0, count, part):
        bodies = []
        for i in range(start, min(count, start + part)):
            letter, recipient = a_letter(i)
            bodies.append(letter_html(letter, recipient, TRIAL, renderer, DAY))
        renderer.pdf(letter_layout.document(bodies))
        samples.append(rss_mib())
    return count / (time.perf_counter() - started), samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--letters", type=int, default=10_000)
    parser.add_argument("--baseline", type=int, default=1_000)
    parser.add_argument("--part", type=int, default=0)
    args = parser.parse_args()
    renderer = WeasyPrintRenderer()
    run(20, renderer, fixed=False)  # fonts found and cached, as in a running service
    gc.collect()
    start = rss_mib()
    print(f"RSS after warm-up: {start:.0f} MiB", flush=True)
    base_rate, base_cpu, base_rss = run(args.baseline, renderer, fixed=True)
    print(
        f"baseline, one plain-English letter x{args.baseline}: {base_rate:.1f} letters/s",
        flush=True,
    )
    print("  RSS by tenths (MiB): " + " ".join(f"{r:.0f}" for r in base_rss))
    rate, cpu_rate, samples = run(args.letters, renderer, fixed=False)
    print(
        f"mixed letters ({', '.join(LANGUAGES)}; 1 in 10 large print) x{args.letters}: "
        f"{rate:.1f} letters/s wall, {cpu_rate:.1f} per CPU second "
        f"({cpu_rate / base_cpu:.2f} of the baseline's {base_cpu:.1f} per CPU second)"
    )
    print("  RSS by tenths (MiB): " + " ".join(f"{r:.0f}" for r in samples))
    print(f"  growth first tenth to last: {samples[-1] - samples[0]:+.1f} MiB")
    if args.part:
        part_rate, part_rss = run_parts(args.letters, args.part, renderer)
        print(f"parts of {args.part} letters in one PDF: {part_rate:.1f} letters/s")
        print(f"  RSS after each part, max {max(part_rss):.0f} MiB, last {part_rss[-1]:.0f} MiB")


if __name__ == "__main__":
    main()

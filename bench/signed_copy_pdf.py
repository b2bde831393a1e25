"""Signed copies rendered per second, and whether memory stays flat, beside a plain PDF.

    python -m bench.signed_copy_pdf [--copies 10000] [--plain 200] [--every 250] [--workers 1]

- **ours**: the signed copy as the page and the team download it (entrypoints/web/signing.py
  `copy_pdf`: Jinja template, the page words in Bengali from the catalog, the form in Bengali,
  a drawn signature as SVG path data, hashes and the audit entry; WeasyPrint PDF/A-3b), one
  after another in each of `--workers` processes, resident memory sampled every `--every`;
- **baseline**: a plain one-page PDF/A-3b of a few English paragraphs through the same
  `render_pdf`, in the same process before and after (the layout engine's floor).

Needs no servers: the copy is built in memory as the service would read it.
"""

from __future__ import annotations

import argparse
import gc
import multiprocessing
import os
import time
import uuid
from datetime import UTC, datetime

from flask import Flask

from bench.common import print_table
from services.consent.domain.audit import AuditEntry
from services.consent.domain.forms import ConsentForm, Item, Translation
from services.consent.domain.lifecycle import ConsentRecord
from services.consent.domain.responses import ConsentResponse
from services.consent.domain.signatures import DRAWN_OR_TYPED, sign
from services.consent.entrypoints.web import pages
from services.consent.entrypoints.web.signing import copy_pdf
from services.consent.service_layer.signed_copy import SignedCopy
from shared import web
from shared.documents.pdf import render_pdf
from tests.support.signing import A_DRAWING, BN_FORM

PLAIN = (
    "<!DOCTYPE html><html lang='en'><body><h1>A letter</h1>"
    + "<p>Your GP practice is writing to you about a research study.</p>" * 8
    + "</body></html>"
)


def a_copy() -> SignedCopy:
    trial = uuid.uuid4()
    bn = Translation(BN_FORM["title"], BN_FORM["summary"], BN_FORM["sheet_url"], BN_FORM["items"])
    items = [Item("read_summary", True), Item("gp_records", True), Item("future_studies", False)]
    form = ConsentForm(trial, 1, items, {"en": bn, "bn": bn})
    form.publish("REC 1", datetime.now(UTC))
    record = ConsentRecord(uuid.uuid4(), trial, status="link_sent", study_number="DEMO-000123")
    response = ConsentResponse(
        record.id, record.participant_id, trial, 1, form.content_hash or "", "bn", "agreed",
        {"read_summary": True, "gp_records": True, "future_studies": False},
    )  # fmt: skip
    signature = sign(
        DRAWN_OR_TYPED, "drawn", record_id=record.id, trial_id=trial, response_id=response.id,
        form_version=1, drawing=A_DRAWING,
    )  # fmt: skip
    entry: AuditEntry = record.move_to(
        "consented", actor="participant", channel="web", form_version=1,
        form_hash=form.content_hash, signature_hash=signature.sha256, at=datetime.now(UTC),
    )  # fmt: skip
    return SignedCopy(record, form, response, signature, entry)


def rss_mib() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def plain_rate(count: int) -> float:
    started = time.perf_counter()
    for _ in range(count):
        render_pdf(PLAIN, archival=True)
    return count / (time.perf_counter() - started)


def render_many(args: tuple[int, int, int]) -> tuple[float, list[tuple[int, float]], int]:
    """One process's share: (seconds, RSS samples, PDF size), sampling every `every`."""
    worker, count, every = args
    app = Flask(__name__)
    web.install(app, pages.TEMPLATES)
    copy = a_copy()
    with app.app_context():
        size = len(copy_pdf(copy))  # warm: fonts found, templates compiled
        gc.collect()
        samples: list[tuple[int, float]] = [(0, rss_mib())]
        started = time.perf_counter()
        for n in range(1, count + 1):
            copy_pdf(copy)
            if n % every == 0:
                samples.append((n, rss_mib()))
                rate = n / (time.perf_counter() - started)
                mib = samples[-1][1]
                print(
                    f"  worker {worker}: {n:>6,} copies  {rate:5.2f}/s  RSS {mib:.0f} MiB",
                    flush=True,
                )
        return time.perf_counter() - started, samples, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--copies", type=int, default=10_000)
    parser.add_argument("--plain", type=int, default=200)
    parser.add_argument("--every", type=int, default=250)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    render_pdf(PLAIN, archival=True)
    plain_before = plain_rate(args.plain)
    share = args.copies // args.workers
    started = time.perf_counter()
    with multiprocessing.Pool(args.workers) as pool:
        results = pool.map(render_many, [(w, share, args.every) for w in range(args.workers)])
    elapsed = time.perf_counter() - started
    plain_after = plain_rate(args.plain)
    done = share * args.workers
    rows = [
        (f"signed copies (Bengali, drawn signature, PDF/A-3b, {results[0][2] / 1024:.0f} KiB)",
         f"{done / elapsed:.2f}/s over {done:,} in {args.workers} process(es), {elapsed:.0f} s"),
    ]  # fmt: skip
    for worker, (_, samples, _) in enumerate(results):
        tenth = next((m for n, m in samples if n >= share // 10), samples[-1][1])
        rows.append(
            (f"  worker {worker} RSS at start / 10% / end / max",
             f"{samples[0][1]:.0f} / {tenth:.0f} / {samples[-1][1]:.0f} / "
             f"{max(m for _, m in samples):.0f} MiB"),
        )  # fmt: skip
    plain_mean = (plain_before + plain_after) / 2
    rows += [
        (f"  baseline: plain one-page PDF/A-3b, 1 process, {args.plain:,} before / after",
         f"{plain_before:.2f}/s / {plain_after:.2f}/s"),
        ("  ratio ours per process / baseline",
         f"{done / elapsed / args.workers / plain_mean:.2f}"),
    ]  # fmt: skip
    print_table(rows)


if __name__ == "__main__":
    main()

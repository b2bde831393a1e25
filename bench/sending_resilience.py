"""The sender against a slow and then a failing provider (issue 13, item 7).

    python -m bench.sending_resilience [--concurrency 32] [--rate 16] [--latency-ms 2000]
                                       [--seconds 20] [--outage-seconds 30]

inflight: one sender (SEND_CONCURRENCY, SEND_RATE_PER_SECOND) against the fake Twilio
server answering every call after --latency-ms; the calls in flight are sampled every
0.1 s, and the texts/s read from the fake's own log, beside what is possible in the same
run: SEND_CONCURRENCY, and min(rate, SEND_CONCURRENCY / latency).
outage: the fake answers every call 503 for --outage-seconds; provider calls/s during it
with the shared circuit breaker, beside the same sender with the breaker never opening.
"""

from __future__ import annotations

import argparse
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from bench.common import print_table, scratch_database
from bench.fake_sms import control, fake_twilio, received
from bench.sending import settings_for
from services.messaging.adapters.provider import Accepted, SendRequest, SmsProvider
from services.messaging.bootstrap import build_provider, build_runtime, build_sender
from services.messaging.config import MessagingSettings
from shared.logs import configure
from tests.support.cohort import approved_batch, numbers


class Counting:
    """The real provider, with the calls in flight and made counted."""

    def __init__(self, inner: SmsProvider) -> None:
        self.inner = inner
        self.in_flight = 0
        self.calls = 0
        self._lock = threading.Lock()

    def send(self, request: SendRequest) -> Accepted:
        with self._lock:
            self.in_flight += 1
            self.calls += 1
        try:
            return self.inner.send(request)
        finally:
            with self._lock:
                self.in_flight -= 1

    def find_sent(self, to: str, body: str, since: datetime) -> str | None:
        return self.inner.find_sent(to, body, since)

    def find_call(self, to: str, since: datetime) -> str | None:
        return self.inner.find_call(to, since)


@contextmanager
def running_sender(
    url: str, texts: int, prefix: str, **settings: Any
) -> Iterator[tuple[Counting, threading.Event]]:
    """A sender on its own scratch database, run on a thread until the block ends."""
    with scratch_database("resilience") as db:
        config: MessagingSettings = settings_for(db, url, **settings)
        runtime = build_runtime(config)
        runtime.migrate()
        approved_batch(runtime, numbers(texts, prefix=prefix))
        provider = Counting(build_provider(config))
        sender = build_sender(config, runtime, provider)
        stop = threading.Event()

        def loop() -> None:
            while not stop.is_set():
                if sender.run_once() == 0 and not sender.in_flight:
                    time.sleep(0.05)

        thread = threading.Thread(target=loop)
        thread.start()
        try:
            yield provider, stop
        finally:
            stop.set()
            thread.join()
            sender.close()
            runtime.engine.dispose()


def inflight(args: argparse.Namespace) -> None:
    latency = args.latency_ms / 1000
    texts = int(args.rate * (args.seconds + 10))
    with fake_twilio() as url:
        control(url, "latency", {"ms": args.latency_ms})
        settings = {
            "send_concurrency": args.concurrency,
            "send_rate_per_second": args.rate,
            "read_timeout": latency + 5,
        }
        with running_sender(url, texts, "+44761", **settings) as (provider, _):
            time.sleep(latency + 2)  # the first calls are out and answered
            before, started = len(received(url)), time.monotonic()
            samples: list[int] = []
            while time.monotonic() - started < args.seconds:
                samples.append(provider.in_flight)
                time.sleep(0.1)
            rate = (len(received(url)) - before) / (time.monotonic() - started)
    possible = min(args.rate, args.concurrency / latency)
    print(
        f"inflight: SEND_CONCURRENCY {args.concurrency}, limit {args.rate:g}/s, provider "
        f"latency {args.latency_ms:g} ms, {args.seconds:g} s measured"
    )
    print_table(
        [
            ("calls in flight: mean / min / max", _spread(samples)),
            ("SEND_CONCURRENCY (the baseline)", f"{args.concurrency}"),
            ("texts/s at the provider", f"{rate:.2f}"),
            ("possible: min(limit, concurrency / latency)", f"{possible:.2f}"),
        ]
    )


def _spread(samples: list[int]) -> str:
    return f"{sum(samples) / len(samples):.1f} / {min(samples)} / {max(samples)}"


def outage(args: argparse.Namespace) -> None:
    rows = []
    with fake_twilio() as url:
        for label, failures in (("breaker (default settings)", 5), ("breaker never opens", 10**9)):
            settings = {
                "send_concurrency": args.concurrency,
                "send_rate_per_second": args.rate,
                "breaker_failures": failures,
            }
            texts = int(args.rate * (args.outage_seconds + 20))
            with running_sender(url, texts, "+44762", **settings) as (provider, _):
                time.sleep(2)
                control(url, "outage", {"seconds": args.outage_seconds})
                before, started = provider.calls, time.monotonic()
                time.sleep(args.outage_seconds)
                calls = provider.calls - before
                per_second = calls / (time.monotonic() - started)
                back_from = len(received(url))
                ended = time.monotonic()
                while len(received(url)) == back_from and time.monotonic() - ended < 120:
                    time.sleep(0.1)
                recovery = time.monotonic() - ended
            rows.append(
                (
                    label,
                    f"{calls} calls in {args.outage_seconds:g} s = {per_second:.2f}/s; "
                    f"first text {recovery:.1f} s after",
                )
            )
    print(
        f"outage: every call answered 503 for {args.outage_seconds:g} s, SEND_CONCURRENCY "
        f"{args.concurrency}, limit {args.rate:g}/s; the same sender without a breaker beside it"
    )
    print_table(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--rate", type=float, default=16)
    parser.add_argument("--latency-ms", type=float, default=2000)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--outage-seconds", type=float, default=30)
    parser.add_argument("--only", choices=["inflight", "outage"])
    args = parser.parse_args()
    configure("bench", "ERROR", "console")
    if args.only != "outage":
        inflight(args)
    if args.only != "inflight":
        outage(args)


if __name__ == "__main__":
    main()

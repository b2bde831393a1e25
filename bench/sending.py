"""Sending benchmarks, each beside its baseline measured in the same run.

    python -m bench.sending throughput [--messages 10000] [--concurrency 8 32]
    python -m bench.sending paced [--seconds 60] [--rate 100] [--latency-ms 200]

throughput: the sender (claim, thread pool through the twilio SDK, outcomes recorded on
PostgreSQL) against the fake Twilio server at no added latency, beside a bare loop of
`client.messages.create` on the same server; texts and WhatsApp content templates (the
session-window and template checks at claim, `whatsapp:` addresses) in the same run.
paced: two sender processes sharing one limit, the fake answering every call after
`--latency-ms`; the rate is read from the fake's own log of when each text arrived.
Calls in flight at 2 s latency and calls during an outage: bench/sending_resilience.py.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, func, select, update

from bench.common import print_table, scratch_database
from bench.fake_sms import SENDER, SID, TOKEN, control, fake_twilio, received
from services.messaging.adapters.orm import messages
from services.messaging.adapters.twilio_client import make_twilio_client
from services.messaging.bootstrap import build_runtime, build_sender
from services.messaging.config import MessagingSettings, TwilioSettings
from services.messaging.domain.windows import ALWAYS
from services.messaging.service_layer import whatsapp
from shared.config import BusSettings, CommonSettings
from shared.logs import configure
from tests.support.cohort import approved_batch, numbers


def settings_for(database_url: str, twilio_url: str, **extra: Any) -> MessagingSettings:
    bus = BusSettings(
        broker_url="filesystem://",
        namespace="bench",
        data_dir=Path("var/bench-bus"),
        retry_delays=(1.0,),
        outbox_batch_size=500,
        outbox_poll_interval=0.05,
        prefetch=50,
    )
    common = CommonSettings(
        service="messaging",
        database_url=database_url,
        bus=bus,
        log_level="WARNING",
        log_format="json",
        testing=False,
    )
    twilio = TwilioSettings(SID, TOKEN, SENDER, None, twilio_url)
    return MessagingSettings(
        common=common,
        twilio=twilio,
        public_base_url="http://127.0.0.1:9",
        validity_seconds=3600,
        send_batch_size=200,  # the product's default
        send_poll_interval=0.05,
        reconcile_after_seconds=600,
        default_window=ALWAYS,
        **extra,
    )


def bare_sdk_loop(twilio_url: str, count: int) -> float:
    client = make_twilio_client(SID, TOKEN, twilio_url)
    started = time.perf_counter()
    for number in numbers(count, prefix="+44749"):
        client.messages.create(
            to=number,
            from_=SENDER,
            body="Your GP practice is writing to invite you to a research study.",
            status_callback="http://127.0.0.1:9/webhooks/twilio/status/x",
            validity_period=3600,
        )
    return count / (time.perf_counter() - started)


CONTENT_SID = "HX" + "0" * 32
APPROVED = "{{1}}: your GP practice is writing to invite you to a research study."


def as_whatsapp(runtime: Any) -> None:
    """The batch's invitations as WhatsApp content templates, the template approved: what
    queue_invitations makes for patients who prefer WhatsApp and agreed to it."""
    whatsapp.save_template(
        runtime.uow_factory(),
        "bench",
        "invitation",
        "en",
        CONTENT_SID,
        APPROVED,
        ["short_name"],
        "approved",
    )
    with runtime.engine.begin() as conn:
        conn.execute(
            update(messages).values(
                channel="whatsapp",
                content_sid=CONTENT_SID,
                content_variables='{"1": "LOAD"}',
                body="LOAD: your GP practice is writing to invite you to a research study.",
            )
        )
    # The update left a dead row per message; the texts' run starts on a table without.
    with runtime.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM ANALYZE messages")


def ours(twilio_url: str, count: int, concurrency: int, channel: str = "sms") -> float:
    with scratch_database("sending") as url:
        settings = settings_for(url, twilio_url, send_concurrency=concurrency)
        runtime = build_runtime(settings)
        runtime.migrate()
        prefix = "+44748" if channel == "sms" else "+44746"
        approved_batch(runtime, numbers(count, prefix=prefix))
        if channel == "whatsapp":
            as_whatsapp(runtime)
        sender = build_sender(settings, runtime)
        started = time.perf_counter()
        while sender.run_once() or sender.in_flight:
            sender.record_finished(block=0.01)
        elapsed = time.perf_counter() - started
        sender.close()
        runtime.engine.dispose()
    return count / elapsed


def throughput(args: argparse.Namespace) -> None:
    with fake_twilio() as url:
        bare_sdk_loop(url, 200)  # warm up the server and the SDK
        bare = bare_sdk_loop(url, args.messages)
        rows = [("bare SDK loop (one thread)", f"{bare:,.0f} msg/s")]
        control(url, "whatsapp/templates", {"sid": CONTENT_SID, "body": APPROVED})
        for concurrency in args.concurrency:
            for channel in args.channels:
                rate = ours(url, args.messages, concurrency, channel)
                rows.append(
                    (
                        f"sender, {channel}, {concurrency} threads",
                        f"{rate:,.0f} msg/s, {rate / bare:.2f} x bare",
                    )
                )
        got = len(received(url))
    print(f"throughput: {args.messages} texts each, fake Twilio at no added latency")
    print_table(rows)
    print(f"  (the fake received {got} texts in all)")


def paced(args: argparse.Namespace) -> None:
    count = int(args.rate * (args.seconds + 20))
    with fake_twilio() as url, scratch_database("paced") as db:
        control(url, "latency", {"ms": args.latency_ms})
        settings = settings_for(db, url)
        runtime = build_runtime(settings)
        runtime.migrate()
        approved_batch(runtime, numbers(count, prefix="+44747"))
        runtime.engine.dispose()
        env = {
            **os.environ,
            "MESSAGING_DATABASE_URL": db,
            "BROKER_URL": "filesystem://",
            "BUS_DATA_DIR": "var/bench-bus",
            "LOG_LEVEL": "WARNING",
            "TWILIO_ACCOUNT_SID": SID,
            "TWILIO_AUTH_TOKEN": TOKEN,
            "TWILIO_FROM_NUMBER": SENDER,
            "TWILIO_API_BASE_URL": url,
            "MESSAGING_PUBLIC_BASE_URL": "http://127.0.0.1:9",
            "SEND_WINDOW": "always",
            "SEND_RATE_PER_SECOND": str(args.rate),
            "SEND_CONCURRENCY": str(args.concurrency),
            "SEND_RECONCILE_AFTER": "600",
        }
        logs = Path("var")
        logs.mkdir(exist_ok=True)
        senders = [
            subprocess.Popen(
                [sys.executable, "-m", "services.messaging", "sender"],
                env=env,
                stdout=(logs / f"bench-sender-{n}.log").open("wb"),
                stderr=subprocess.STDOUT,
            )
            for n in range(2)
        ]
        try:
            while not received(url):  # the senders take a few seconds to start
                time.sleep(0.5)
            end = time.monotonic() + args.seconds + args.warmup + 2
            while time.monotonic() < end:
                time.sleep(2)
                if args.show_seconds:
                    print("messages by status:", status_counts(db))
            states = status_counts(db)
        finally:
            for process in senders:
                process.terminate()
            for process in senders:
                process.wait(timeout=30)
        arrivals = sorted(datetime.fromisoformat(m["received_at"]) for m in received(url))
    start = arrivals[0].timestamp() + args.warmup
    window = [t.timestamp() for t in arrivals if start <= t.timestamp() < start + args.seconds]
    per_second = Counter(int(t - start) for t in window)
    seconds = [per_second[s] for s in range(int(args.seconds))]
    rate = len(window) / args.seconds
    if args.show_seconds:
        print("per second:", seconds)
    print(
        f"paced: 2 sender processes, limit {args.rate}/s, fake latency {args.latency_ms} ms, "
        f"{args.seconds:.0f} s measured after {args.warmup:.0f} s"
    )
    print_table(
        [
            ("texts at the provider in the window", f"{len(window)}"),
            ("rate held", f"{rate:.2f}/s ({(rate - args.rate) / args.rate:+.2%} of the limit)"),
            ("per second: min / max", f"{min(seconds)} / {max(seconds)}"),
            ("texts in all", f"{len(arrivals)} of {count} queued"),
            ("messages by status at the end", ", ".join(f"{k} {v}" for k, v in states.items())),
        ]
    )


def status_counts(database_url: str) -> dict[str, int]:
    engine = create_engine(database_url)
    with engine.connect() as conn:
        rows = conn.execute(select(messages.c.status, func.count()).group_by(messages.c.status))
        found = {status: int(count) for status, count in rows}
    engine.dispose()
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    sub = parser.add_subparsers(dest="which", required=True)
    one = sub.add_parser("throughput")
    one.add_argument("--messages", type=int, default=10000)
    one.add_argument("--concurrency", type=int, nargs="+", default=[8, 32])
    one.add_argument(
        "--channels", nargs="+", default=["sms", "whatsapp"], choices=["sms", "whatsapp"]
    )
    two = sub.add_parser("paced")
    two.add_argument("--seconds", type=float, default=60)
    two.add_argument("--warmup", type=float, default=5)
    two.add_argument("--rate", type=float, default=100)
    two.add_argument("--latency-ms", type=float, default=200)
    two.add_argument("--concurrency", type=int, default=32)
    two.add_argument("--show-seconds", action="store_true")
    args = parser.parse_args()
    configure("bench", "WARNING", "console")
    throughput(args) if args.which == "throughput" else paced(args)


if __name__ == "__main__":
    main()

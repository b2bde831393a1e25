"""Webhook ingest: signed Twilio status callbacks into messaging, beside a Flask hello-world
served by gunicorn with the same settings, in one run.

    python -m bench.webhooks [--seconds 10] [--threads 2] [--connections 64] [--workers 2]
                             [--server-threads 32]

Each callback is signature-checked and stored before its 204 (one insert per group of
callbacks waiting together). A sending worker process runs beside the server, as in every
run mode: its applier thread locks the messages, moves each forward and puts the status
events in the outbox, in batches; the benchmark waits for it to apply everything and
prints how far behind it was. The load comes from wrk (`bench/webhooks.lua`) over
keep-alive connections.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

from sqlalchemy import Engine, create_engine, func, insert, select
from twilio.request_validator import RequestValidator

from bench.common import gunicorn, print_table, scratch_database
from bench.fake_sms import SENDER, SID, TOKEN, free_port
from bench.sending import settings_for
from services.messaging.adapters.orm import messages, status_events
from services.messaging.bootstrap import build_runtime
from shared.logs import configure

Request = tuple[str, bytes, str]  # path, form body, signature


def signed_requests(base_url: str, message_ids: list[uuid.UUID]) -> list[Request]:
    validator = RequestValidator(TOKEN)
    made = []
    for index, message_id in enumerate(message_ids):
        for status in ("sent", "delivered"):
            path = f"/webhooks/twilio/status/{message_id}"
            params = {
                "MessageSid": f"SM{index:032x}",
                "MessageStatus": status,
                "AccountSid": SID,
                "From": SENDER,
                "To": "+447400000000",
                "ApiVersion": "2010-04-01",
            }
            signature = validator.compute_signature(base_url + path, params)
            made.append((path, urlencode(params).encode(), signature))
    return made


WRK_SCRIPT = Path(__file__).with_name("webhooks.lua")
_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def load(port: int, requests_: list[Request], args: argparse.Namespace) -> dict[str, float]:
    """wrk (C, so the load costs the server's cores little) sends `requests_` in turn."""
    with tempfile.NamedTemporaryFile("w", suffix=".tsv") as listing:
        listing.writelines(f"{path}\t{body.decode()}\t{sig}\n" for path, body, sig in requests_)
        listing.flush()
        out = subprocess.run(
            [
                "wrk",
                f"-t{args.threads}",
                f"-c{args.connections}",
                f"-d{args.seconds}s",
                "--latency",
                "-s",
                str(WRK_SCRIPT),
                f"http://127.0.0.1:{port}",
            ],
            env={**os.environ, "BENCH_REQUESTS": listing.name, "BENCH_THREADS": str(args.threads)},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    return parse_wrk(out)


def parse_wrk(out: str) -> dict[str, float]:
    def latency(pct: str) -> float:
        value, unit = re.search(rf"^\s*{pct}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M).groups()  # type: ignore[union-attr]
        return float(value) * _UNITS[unit]

    count = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return {
        "rate": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),  # type: ignore[union-attr]
        "p50": latency("50"),
        "p99": latency("99"),
        "errors": (int(bad.group(1)) if bad else 0)
        + (sum(int(n) for n in errors.groups()) if errors else 0),
        "count": count,
    }


@contextmanager
def applier(env: dict[str, str]) -> Iterator[None]:
    """`python -m services.messaging sender`: nothing to send, so it only applies callbacks."""
    process = subprocess.Popen(
        [sys.executable, "-m", "services.messaging", "sender"],
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
    )
    try:
        yield
    finally:
        process.terminate()
        process.wait(timeout=30)


def pending(engine: Engine) -> int:
    with engine.connect() as conn:
        query = select(func.count()).where(status_events.c.applied.is_(None))
        return int(conn.scalar(query) or 0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--connections", type=int, default=24)
    parser.add_argument(
        "--server-threads", type=int, default=32, help="GUNICORN_THREADS for both apps"
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--messages", type=int, default=20000)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit(
            "bench.webhooks needs wrk (Debian: apt-get install wrk; `make bench` does)"
        )
    configure("bench", "WARNING", "console")
    port_ours, port_hello = free_port(), free_port()
    base = f"http://127.0.0.1:{port_ours}"
    with scratch_database("webhooks") as db:
        runtime = build_runtime(settings_for(db, "http://127.0.0.1:9"))
        runtime.migrate()
        now = datetime.now(UTC)
        ids = [uuid.uuid4() for _ in range(args.messages)]
        with runtime.engine.begin() as conn:
            conn.execute(
                insert(messages),
                [
                    {
                        "id": message_id,
                        "participant_id": uuid.uuid4(),
                        "to": "+447400000000",
                        "body": "x",
                        "kind": "invitation",
                        "priority": 2,
                        "status": "accepted",
                        "provider_sid": f"SM{index:032x}",
                        "attempts": 1,
                        "created_at": now,
                        "updated_at": now,
                    }
                    for index, message_id in enumerate(ids)
                ],
            )
        runtime.engine.dispose()
        signed = signed_requests(base, ids)
        env = {
            "MESSAGING_DATABASE_URL": db,
            "BROKER_URL": "filesystem://",
            "BUS_DATA_DIR": "var/bench-bus",
            "LOG_LEVEL": "WARNING",
            "TWILIO_ACCOUNT_SID": SID,
            "TWILIO_AUTH_TOKEN": TOKEN,
            "TWILIO_FROM_NUMBER": SENDER,
            "MESSAGING_PUBLIC_BASE_URL": base,
            "GUNICORN_THREADS": str(args.server_threads),
        }
        # The same paths and bodies, unsigned: the hello-world reads neither.
        hello_requests = [(path, body, "") for path, body, _ in signed]
        with gunicorn("bench.hello:create_app()", port_hello, args.workers, env):
            hello = load(port_hello, hello_requests, args)
        server = gunicorn("services.messaging:create_app()", port_ours, args.workers, env)
        with server, applier(env):
            started = time.monotonic()
            ours = load(port_ours, signed, args)
            loaded_at = time.monotonic()
            watch = create_engine(db)  # one engine for the polling, not one per look
            behind = pending(watch)
            while pending(watch):
                time.sleep(0.05)
            applied_at = time.monotonic()
            watch.dispose()
    print(
        f"webhook ingest: gunicorn -w {args.workers} --threads {args.server_threads} "
        "(gthread, deploy/gunicorn.conf.py), "
        f"wrk {args.threads} threads x {args.connections} keep-alive connections, "
        f"{args.seconds:.0f} s each"
    )
    for name, figures in (("Flask hello-world", hello), ("signed status callbacks", ours)):
        print_table(
            [
                (
                    name,
                    f"{figures['rate']:,.0f}/s, p50 {figures['p50']:.1f} ms, "
                    f"p99 {figures['p99']:.1f} ms, {figures['errors']:.0f} errors "
                    f"of {figures['count']:.0f}",
                )
            ]
        )
    print(f"  ratio ours / hello-world: {ours['rate'] / hello['rate']:.2f}")
    print(
        f"  applied by the sending worker: {ours['count'] - behind:,.0f} during the load, "
        f"{behind:,} waiting when it ended, all applied {applied_at - loaded_at:.1f} s later "
        f"({ours['count'] / (applied_at - started):,.0f}/s from the start of the load)"
    )


if __name__ == "__main__":
    main()

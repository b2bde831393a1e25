"""Webhook ingest: signed Twilio status callbacks into messaging, beside a Flask hello-world
served by gunicorn with the same settings, in one run.

    python -m bench.webhooks [--seconds 10] [--clients 2] [--threads 8] [--workers 2]

Each callback is signature-checked, its message locked, the status event stored and,
when it moves the message forward, the message updated and an event put in the outbox.
The load comes from `--clients` processes of `--threads` keep-alive connections each.
"""

from __future__ import annotations

import argparse
import http.client
import multiprocessing
import threading
import time
import uuid
from datetime import UTC, datetime
from urllib.parse import urlencode

from sqlalchemy import insert
from twilio.request_validator import RequestValidator

from bench.common import gunicorn, percentile, print_table, scratch_database
from bench.fake_sms import SENDER, SID, TOKEN, free_port
from bench.sending import settings_for
from services.messaging.adapters.orm import messages
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


def _client(port: int, requests_: list[Request], seconds: float, threads: int, out: object) -> None:
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def run(share: list[Request]) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine: list[float] = []
        bad = 0
        index = 0
        while time.monotonic() < deadline and index < len(share):
            path, body, signature = share[index]
            index += 1
            headers = {
                "Content-Type": "application/x-www-form-urlencoded",
                "X-Twilio-Signature": signature,
            }
            started = time.perf_counter()
            try:
                conn.request("POST", path, body, headers)
                response = conn.getresponse()
                response.read()
                if response.status != 204:
                    bad += 1
            except (OSError, http.client.HTTPException):
                bad += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            mine.append(time.perf_counter() - started)
        with lock:
            latencies.extend(mine)
            errors[0] += bad

    shares = [requests_[i::threads] for i in range(threads)]
    workers = [threading.Thread(target=run, args=(share,)) for share in shares]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    out.put((latencies, errors[0]))  # type: ignore[attr-defined]


def load(port: int, requests_: list[Request], args: argparse.Namespace) -> dict[str, float]:
    queue: multiprocessing.Queue[tuple[list[float], int]] = multiprocessing.Queue()
    shares = [requests_[i :: args.clients] for i in range(args.clients)]
    started = time.perf_counter()
    procs = [
        multiprocessing.Process(
            target=_client, args=(port, share, args.seconds, args.threads, queue)
        )
        for share in shares
    ]
    for proc in procs:
        proc.start()
    results = [queue.get() for _ in procs]
    for proc in procs:
        proc.join()
    elapsed = time.perf_counter() - started
    latencies = [v for lat, _ in results for v in lat]
    return {
        "rate": len(latencies) / elapsed,
        "p50": percentile(latencies, 50) * 1000,
        "p99": percentile(latencies, 99) * 1000,
        "errors": sum(e for _, e in results),
        "count": len(latencies),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--clients", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--messages", type=int, default=20000)
    args = parser.parse_args()
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
        }
        hello_requests = [(f"/webhooks/twilio/status/{i}", b"", "") for i in range(len(signed))]
        with gunicorn("bench.hello:create_app()", port_hello, args.workers, env):
            hello = load(port_hello, hello_requests, args)
        with gunicorn("services.messaging:create_app()", port_ours, args.workers, env):
            ours = load(port_ours, signed, args)
    print(
        f"webhook ingest: gunicorn -w {args.workers} (gthread, deploy/gunicorn.conf.py), "
        f"{args.clients} client processes x {args.threads} connections, {args.seconds:.0f} s"
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


if __name__ == "__main__":
    main()

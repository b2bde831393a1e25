"""Voice calls (decision 27): calls placed per second by the sender through the twilio SDK
beside a bare SDK loop, and the call webhooks per second beside the texts' webhooks, in
one run.

    python -m bench.voice_calls [--calls 2000] [--concurrency 8 32] [--against fake|stub]
                                [--seconds 10] [--connections 24] [--workers 2]

Placing: the same Calls API for both. `fake` is the fake Twilio server's Calls API
(`python -m services.fake_twilio`, calls to nobody's phone: FAKE_TWILIO_CALL_DEFAULT
no-answer); where it has none yet, or with `--against stub`, the minimal Calls API of
tests/support/calls_stub.py in a process of its own. The bare loop is one thread calling
`client.calls.create`; the sender claims, records each attempt, calls from its thread pool
and records the outcomes, with no calls-a-second limit (CALL_RATE_PER_SECOND 0).

Webhooks: messaging under gunicorn with the deployed settings; wrk sends signed requests
of one kind at a time (bench/webhooks.lua): a text's status callback and a call's; an
inbound text YES and a key press 1 (each a new reply: stored, understood, acknowledged,
announced); and the TwiML request of an answered call (the recording looked up).
"""

from __future__ import annotations

import argparse
import dataclasses
import multiprocessing
import os
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from urllib.parse import urlencode

import requests
from sqlalchemy import insert
from twilio.request_validator import RequestValidator

from bench.common import gunicorn, print_table, scratch_database
from bench.fake_sms import SENDER, SID, TOKEN, fake_twilio, free_port
from bench.sending import settings_for
from bench.webhooks import Request, load
from services.messaging.adapters.orm import contacts, messages
from services.messaging.adapters.twilio_client import make_twilio_client
from services.messaging.bootstrap import build_runtime, build_sender
from services.messaging.domain.model import PRIORITY_BULK, Message
from services.messaging.service_layer import recordings
from shared.logs import configure
from tests.support.calls_stub import calls_stub
from tests.support.cohort import numbers


def _serve_stub(port: multiprocessing.Queue) -> None:
    with calls_stub(SID) as stub:
        port.put(stub.url)
        while True:
            time.sleep(3600)


@contextmanager
def stub_process() -> Iterator[str]:
    queue: multiprocessing.Queue = multiprocessing.Queue()
    process = multiprocessing.Process(target=_serve_stub, args=(queue,), daemon=True)
    process.start()
    try:
        yield str(queue.get(timeout=30))
    finally:
        process.terminate()
        process.join(10)


@contextmanager
def calls_api(against: str) -> Iterator[tuple[str, str]]:
    """(URL, what it is): the fake Twilio server if it has a Calls API, else the stub."""
    if against == "fake":
        os.environ.setdefault("FAKE_TWILIO_CALL_DEFAULT", "no-answer")
        with fake_twilio() as url:
            probe = requests.get(f"{url}/2010-04-01/Accounts/{SID}/Calls.json", auth=(SID, TOKEN))
            if probe.status_code == 200:
                yield url, "the fake Twilio server's Calls API"
                return
    with stub_process() as url:
        yield url, "the Calls API stub (tests/support/calls_stub.py)"


def bare_sdk_loop(url: str, count: int) -> float:
    client = make_twilio_client(SID, TOKEN, url)
    started = time.perf_counter()
    for number in numbers(count, prefix="+44759"):
        client.calls.create(
            to=number,
            from_=SENDER,
            url="http://127.0.0.1:9/webhooks/twilio/calls/x/twiml",
            status_callback="http://127.0.0.1:9/webhooks/twilio/calls/x/status",
            status_callback_event=["initiated", "ringing", "answered", "completed"],
            machine_detection="DetectMessageEnd",
            timeout=30,
        )
    return count / (time.perf_counter() - started)


def calls(count: int, prefix: str) -> list[Message]:
    return [
        Message(
            participant_id=uuid.uuid4(),
            to=number,
            body="You are invited to a heart study.",
            kind="invitation",
            priority=PRIORITY_BULK,
            language="en",
            channel="voice",
        )
        for number in numbers(count, prefix=prefix)
    ]


def ours(url: str, count: int, concurrency: int) -> float:
    with scratch_database("voice_calls") as db:
        settings = settings_for(db, url, send_concurrency=concurrency)
        settings = dataclasses.replace(settings, call_rate_per_second=0.0)
        runtime = build_runtime(settings)
        runtime.migrate()
        with runtime.uow_factory() as uow:
            uow.messages.add_messages(calls(count, f"+4475{concurrency % 10}"))
            uow.commit()
        sender = build_sender(settings, runtime)
        started = time.perf_counter()
        while sender.run_once() or sender.in_flight or sender.waiting_calls:
            sender.record_finished(block=0.01)
        elapsed = time.perf_counter() - started
        sender.close()
        runtime.engine.dispose()
    return count / elapsed


def placing(args: argparse.Namespace) -> None:
    with calls_api(args.against) as (url, what):
        bare_sdk_loop(url, 200)  # warm up the server and the SDK
        bare = bare_sdk_loop(url, args.calls)
        rows = [("bare SDK loop (one thread)", f"{bare:,.0f} calls/s")]
        for concurrency in args.concurrency:
            rate = ours(url, args.calls, concurrency)
            rows.append(
                (f"sender, {concurrency} threads", f"{rate:,.0f} calls/s, {rate / bare:.2f} x bare")
            )
    print(f"calls placed: {args.calls} each, against {what}")
    print_table(rows)


def seeded(db: str, count: int) -> tuple[list[uuid.UUID], list[uuid.UUID], list[str]]:
    """Patients who each had a text invitation delivered and a call answered (Bengali,
    a reviewed recording for it): ids of the texts, of the calls, and the numbers."""
    runtime = build_runtime(settings_for(db, "http://127.0.0.1:9"))
    runtime.migrate()
    now = datetime.now(UTC)
    people = [uuid.uuid4() for _ in range(count)]
    to = numbers(count, prefix="+44758")
    texts, rung = [uuid.uuid4() for _ in people], [uuid.uuid4() for _ in people]
    row = {"body": "x", "kind": "invitation", "priority": 2, "attempts": 1}
    row |= {"created_at": now, "updated_at": now, "language": "bn"}
    with runtime.engine.begin() as conn:
        conn.execute(
            insert(contacts),
            [
                {"participant_id": p, "practice_ods": "M85001", "mobile": n, "textable": True}
                | {"language": "bn", "erased": False, "updated_at": now}
                for p, n in zip(people, to, strict=True)
            ],
        )
        conn.execute(
            insert(messages),
            [
                row
                | {"id": t, "participant_id": p, "to": n, "status": "delivered", "channel": "sms"}
                | {"provider_sid": f"SM{i:032x}"}
                for i, (t, p, n) in enumerate(zip(texts, people, to, strict=True))
            ]
            + [
                row
                | {"id": c, "participant_id": p, "to": n, "status": "in-progress"}
                | {"channel": "voice", "provider_sid": f"CA{i:032x}"}
                for i, (c, p, n) in enumerate(zip(rung, people, to, strict=True))
            ],
        )
    made = recordings.upload(
        runtime.uow_factory(), "bench", None, "invitation", "bn", "audio/wav", b"RIFF" * 1000
    )
    recordings.review(runtime.uow_factory(), "bench reviewer", made.id)
    runtime.engine.dispose()
    return texts, rung, to


def signed(base: str, path: str, params: dict[str, str]) -> Request:
    signature = RequestValidator(TOKEN).compute_signature(base + path, params)
    return path, urlencode(params).encode(), signature


def webhooks(args: argparse.Namespace) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    common = {"AccountSid": SID, "ApiVersion": "2010-04-01"}
    with scratch_database("voice_webhooks") as db:
        texts, rung, to = seeded(db, args.people)
        kinds: dict[str, list[Request]] = {
            "text status callback": [
                signed(
                    base,
                    f"/webhooks/twilio/status/{t}",
                    common | {"MessageSid": f"SM{i:032x}"} | {"MessageStatus": "sent"},
                )
                for i, t in enumerate(texts)
            ],
            "call status callback": [
                signed(
                    base,
                    f"/webhooks/twilio/calls/{c}/status",
                    common | {"CallSid": f"CA{i:032x}", "CallStatus": "ringing"},
                )
                for i, c in enumerate(rung)
            ],
            "inbound text YES": [
                signed(
                    base,
                    "/webhooks/twilio/inbound",
                    common | {"MessageSid": f"SM{i:031x}f", "From": n, "To": SENDER, "Body": "YES"},
                )
                for i, n in enumerate(to)
            ],
            "key press 1": [
                signed(
                    base,
                    f"/webhooks/twilio/calls/{c}/gather",
                    common | {"CallSid": f"CA{i:032x}", "Digits": "1", "From": SENDER, "To": n},
                )
                for i, (c, n) in enumerate(zip(rung, to, strict=True))
            ],
            "call TwiML (answered)": [
                signed(
                    base,
                    f"/webhooks/twilio/calls/{c}/twiml",
                    common | {"CallSid": f"CA{i:032x}", "AnsweredBy": "human"},
                )
                for i, c in enumerate(rung)
            ],
        }
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
        rows = []
        with gunicorn("services.messaging:create_app()", port, args.workers, env):
            for name, listed in kinds.items():
                figures = load(port, listed, args)
                rows.append(
                    (
                        name,
                        f"{figures['rate']:,.0f}/s, p50 {figures['p50']:.1f} ms, "
                        f"p99 {figures['p99']:.1f} ms, {figures['errors']:.0f} errors "
                        f"of {figures['count']:.0f}",
                    )
                )
    print(
        f"webhooks: gunicorn -w {args.workers} --threads {args.server_threads}, wrk "
        f"{args.threads} threads x {args.connections} connections, {args.seconds:.0f} s each, "
        f"{args.people} patients (a request repeated after that is a duplicate)"
    )
    print_table(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[8, 32])
    parser.add_argument("--against", choices=("fake", "stub"), default="fake")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--connections", type=int, default=24)
    parser.add_argument("--server-threads", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--people", type=int, default=20000)
    parser.add_argument("--only", choices=("placing", "webhooks"))
    args = parser.parse_args()
    configure("bench", "WARNING", "console")
    if args.only != "webhooks":
        placing(args)
    if args.only != "placing":
        webhooks(args)


if __name__ == "__main__":
    main()

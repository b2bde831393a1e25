"""A 5,000-text batch survives a sending worker killed with SIGKILL halfway, and a RabbitMQ
restart: the fake Twilio server receives every text exactly once.

Real processes: the fake Twilio server and `python -m services.messaging sender` (and, for
the restart, the outbox relay), on PostgreSQL, through the real twilio SDK.
"""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from sqlalchemy import func, select

from services.messaging.adapters.orm import messages
from shared.runtime import Runtime
from tests.support import servers
from tests.support.cohort import approved_batch, numbers
from tests.support.processes import ARTIFACTS, Processes, free_port, processes
from tests.support.settings import TWILIO_SID, TWILIO_TOKEN
from tests.support.waiting import QUIET_PERIOD, eventually

pytestmark = pytest.mark.integration
TEXTS = 5000


def env_for(database_url: str, twilio_url: str, broker_url: str, namespace: str) -> dict[str, str]:
    return {
        "MESSAGING_DATABASE_URL": database_url,
        "BROKER_URL": broker_url,
        "BUS_NAMESPACE": namespace,
        "LOG_FORMAT": "json",
        "LOG_LEVEL": "WARNING",
        "TWILIO_ACCOUNT_SID": TWILIO_SID,
        "TWILIO_AUTH_TOKEN": TWILIO_TOKEN,
        "TWILIO_FROM_NUMBER": "+447700900000",
        "TWILIO_API_BASE_URL": twilio_url,
        # Nobody listens here: the fake's status callbacks fail fast, as when we are down.
        "MESSAGING_PUBLIC_BASE_URL": f"http://127.0.0.1:{free_port()}",
        "SEND_WINDOW": "always",
        "SEND_RECONCILE_AFTER": "4",
        "SEND_CONNECT_TIMEOUT": "1",
        "SEND_READ_TIMEOUT": "1",
        "SEND_CONCURRENCY": "8",
        "FAKE_TWILIO_ACCOUNT_SID": TWILIO_SID,
        "FAKE_TWILIO_AUTH_TOKEN": TWILIO_TOKEN,
        "FAKE_TWILIO_STATUS_DELAY": "0.05",
    }


class Run:
    def __init__(self, procs: Processes, twilio_url: str, runtime: Runtime) -> None:
        self.procs, self.twilio_url, self.runtime = procs, twilio_url, runtime

    def received(self) -> list[dict[str, Any]]:
        response = requests.get(f"{self.twilio_url}/_fake/messages", timeout=30)
        return [m for m in response.json() if m["direction"] == "outbound-api"]

    def statuses(self) -> dict[str, int]:
        with self.runtime.engine.connect() as conn:
            rows = conn.execute(select(messages.c.status, func.count()).group_by(messages.c.status))
            return {status: count for status, count in rows}

    def start_sender(self) -> None:
        self.procs.start("sender", [sys.executable, "-m", "services.messaging", "sender"])

    def all_handed_over(self) -> bool:
        counts = self.statuses()
        return not counts.get("queued") and not counts.get("sending")


@pytest.fixture
def run(runtime: Runtime, rabbitmq_url: str, request: pytest.FixtureRequest) -> Iterator[Run]:
    port = free_port()
    twilio_url = f"http://127.0.0.1:{port}"
    with (
        servers.rabbitmq_namespace("crash") as namespace,
        processes(
            env_for(runtime.settings.database_url, twilio_url, rabbitmq_url, namespace)
            | {"FAKE_TWILIO_PORT": str(port)},
            ARTIFACTS / "integration" / request.node.name,
        ) as procs,
    ):
        procs.start("twilio", [sys.executable, "-m", "services.fake_twilio"])
        eventually(lambda: _listening(port), 30, "the fake Twilio server")
        yield Run(procs, twilio_url, runtime)


def _listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def assert_each_number_got_exactly_one_text(run: Run, expected: list[str]) -> None:
    eventually(run.all_handed_over, 240, "every text handed to the provider")
    time.sleep(QUIET_PERIOD)  # a late duplicate, if there were one, would land now
    received = Counter(m["to"] for m in run.received())
    duplicates = {number: n for number, n in received.items() if n > 1}
    assert duplicates == {}
    assert set(received) == set(expected)
    assert run.statuses().keys() <= {"accepted", "sent", "delivered"}


def test_a_sender_killed_halfway_through_5000_texts_sends_each_exactly_once_after_restart(
    runtime: Runtime, run: Run
) -> None:
    expected = numbers(TEXTS)
    approved_batch(runtime, expected)
    run.start_sender()
    eventually(lambda: len(run.received()) >= TEXTS // 2, 180, "half the batch at the provider")
    run.procs.kill("sender", signal.SIGKILL)
    at_kill = run.statuses()
    assert at_kill.get("queued", 0) > 0, "the kill must land mid-batch"

    run.start_sender()
    assert_each_number_got_exactly_one_text(run, expected)


def test_a_rabbitmq_restart_mid_batch_still_sends_each_text_once_and_publishes_every_status(
    runtime: Runtime, run: Run
) -> None:
    if shutil.which("rabbitmqctl") is None:
        pytest.skip("rabbitmqctl is needed to restart the local RabbitMQ")
    expected = numbers(TEXTS, prefix="+44746")
    approved_batch(runtime, expected)
    run.procs.start("relay", [sys.executable, "-m", "services.messaging", "relay"])
    run.start_sender()
    eventually(
        lambda: len(run.received()) >= TEXTS // 3, 180, "a third of the batch at the provider"
    )
    stopped = False
    try:
        _rabbitmqctl("stop_app")
        stopped = True
        assert len(run.received()) < TEXTS, "the restart must land mid-batch"
        time.sleep(3)
        _rabbitmqctl("start_app")
        _rabbitmqctl("await_startup")
        stopped = False
    finally:
        if stopped:
            _rabbitmqctl("start_app")
            _rabbitmqctl("await_startup")
    assert_each_number_got_exactly_one_text(run, expected)
    outbox = runtime.tables.outbox
    with runtime.engine.connect() as conn:
        accepted_events = conn.execute(select(func.count()).select_from(outbox)).scalar_one()

    def drained() -> bool:
        with runtime.engine.connect() as conn:
            query = select(func.count()).where(outbox.c.published_at.is_(None))
            return conn.execute(query).scalar_one() == 0

    eventually(drained, 120, "every status event published after the restart")
    assert accepted_events >= TEXTS  # one "accepted" event per text at least
    run.procs.check_alive()


def _rabbitmqctl(*args: str) -> None:
    subprocess.run(["rabbitmqctl", *args], check=True, capture_output=True, timeout=120)

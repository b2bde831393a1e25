"""Twilio stalls for a moment: nobody gets a second text (issue 13, item 1).

Real processes on PostgreSQL: the fake Twilio server and `python -m services.messaging
sender` through the real twilio SDK. The issue's 45-second stall against a 60-second
reconciliation age is scaled down with the same relationship: calls time out after 1 s to
connect + 2 s to read, SEND_RECONCILE_AFTER is 5 s, and the fake holds every call that
arrives during the stall for 6 s before it creates the message. Before the fix a call had
no timeout, and reconciliation judged texts still on their way lost and sent them again.
"""

from __future__ import annotations

import json
import sys
import time
from collections import Counter
from collections.abc import Iterator

import pytest
import requests

from shared.runtime import Runtime
from tests.integration.messaging.test_sender_crash import Run, env_for
from tests.support import servers
from tests.support.cohort import approved_batch, numbers
from tests.support.processes import ARTIFACTS, free_port, processes
from tests.support.waiting import QUIET_PERIOD, eventually

pytestmark = pytest.mark.integration
STALL_MS = 6000
RECONCILE_AFTER = 5  # seconds


@pytest.fixture
def run(runtime: Runtime, rabbitmq_url: str, request: pytest.FixtureRequest) -> Iterator[Run]:
    port = free_port()
    twilio_url = f"http://127.0.0.1:{port}"
    env = env_for(runtime.settings.database_url, twilio_url, rabbitmq_url, "unused") | {
        "BROKER_URL": "filesystem://",
        "FAKE_TWILIO_PORT": str(port),
        "SEND_RECONCILE_AFTER": str(RECONCILE_AFTER),
        "SEND_CONNECT_TIMEOUT": "1",
        "SEND_READ_TIMEOUT": "2",
        "SEND_CONCURRENCY": "4",
    }
    with (
        servers.rabbitmq_namespace("latency") as namespace,
        processes(
            env | {"BUS_NAMESPACE": namespace}, ARTIFACTS / "integration" / request.node.name
        ) as procs,
    ):
        procs.start("twilio", [sys.executable, "-m", "services.fake_twilio"])
        eventually(lambda: _answers(twilio_url), 30, "the fake Twilio server")
        yield Run(procs, twilio_url, runtime)


def _answers(url: str) -> bool:
    try:
        return requests.get(f"{url}/_fake/messages", timeout=1).ok
    except requests.RequestException:
        return False


def _latency(run: Run, ms: int) -> None:
    requests.post(f"{run.twilio_url}/_fake/latency", json={"ms": ms}, timeout=10).raise_for_status()


def test_a_stall_longer_than_the_reconciliation_age_sends_nobody_a_second_text(
    runtime: Runtime, run: Run
) -> None:
    expected = numbers(40, prefix="+44751")
    approved_batch(runtime, expected)
    _latency(run, STALL_MS)
    run.start_sender()
    time.sleep(9)  # every call in these seconds stalls past the reconciliation age
    _latency(run, 0)

    eventually(run.all_handed_over, 120, "every text handed to the provider")
    # A resend, if there were one, would follow a reconciliation: let two rounds pass, each
    # with the quiet period for the resend to land.
    time.sleep(2 * (RECONCILE_AFTER + QUIET_PERIOD))
    received = Counter(m["to"] for m in run.received())
    assert {number: n for number, n in received.items() if n > 1} == {}
    assert set(received) == set(expected)
    assert run.statuses().keys() <= {"accepted", "sent", "delivered"}

    slow = [
        line
        for line in (run.procs.log_dir / "sender.log").read_text().splitlines()
        if "provider_call_slow" in line
    ]
    assert slow, "a slow call leaves a log line"
    entry = json.loads(slow[0])
    assert entry["message_id"] and entry["outcome"] == "unknown"
    assert not any(number in slow[0] for number in expected), "no phone number in the log"
    run.procs.check_alive()

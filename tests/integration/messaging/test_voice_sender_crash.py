"""kill -9 of the sender in the middle of a batch of calls (decision 27): nobody is called
twice, and the calls whose answer the dead sender never recorded are reconciled from the
Calls API (found there, adopted, not placed again).

Real processes: `python -m services.messaging sender` on PostgreSQL, through the real
twilio SDK, against the fake Twilio server's Calls API (decision 33; each create held
300 ms) and against the in-test stand-in of tests/support/calls_stub.py."""

from __future__ import annotations

import signal
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import requests
from sqlalchemy import select

from services.messaging.adapters.orm import messages
from shared.runtime import Runtime
from tests.integration.messaging.test_sender_crash import _listening, env_for
from tests.integration.messaging.test_voice_sender import calls_queued
from tests.support.calls_stub import calls_stub
from tests.support.cohort import numbers
from tests.support.processes import ARTIFACTS, Processes, free_port, processes
from tests.support.settings import TWILIO_SID
from tests.support.waiting import QUIET_PERIOD, eventually

pytestmark = pytest.mark.integration
CALLS = 300
Placed = Callable[[], list[tuple[str, str]]]  # (to, sid) of every call the API created


@pytest.fixture(params=["fake", "stub"])
def api(
    request: pytest.FixtureRequest, runtime: Runtime, tmp_path: Path
) -> Iterator[tuple[Processes, Placed]]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = env_for(runtime.settings.database_url, url, "filesystem://", "voicecrash")
    env |= {"CALL_RATE_PER_SECOND": "60", "BUS_DATA_DIR": str(tmp_path / "bus")}
    env |= {"FAKE_TWILIO_PORT": str(port), "FAKE_TWILIO_CALL_DEFAULT": "no-answer"}
    log_dir = ARTIFACTS / "integration" / request.node.name
    if request.param == "stub":
        with calls_stub(TWILIO_SID, latency=0.3) as stub:
            env["TWILIO_API_BASE_URL"] = stub.url
            with processes(env, log_dir) as procs:
                yield procs, lambda: [(c["to"], c["sid"]) for c in list(stub.created)]
        return
    with processes(env, log_dir) as procs:
        procs.start("twilio", [sys.executable, "-m", "services.fake_twilio"])
        eventually(lambda: _listening(port), 30, "the fake Twilio server")
        held = requests.post(f"{url}/_fake/calls/latency", json={"ms": 300}, timeout=10)
        held.raise_for_status()  # calls are in flight at the kill

        def placed() -> list[tuple[str, str]]:
            log = requests.get(f"{url}/_fake/calls", timeout=30).json()
            return [(c["to"], c["sid"]) for c in log]

        yield procs, placed


def by_status(runtime: Runtime) -> dict[str, list[tuple[uuid.UUID, str, str | None]]]:
    found: dict[str, list[tuple[uuid.UUID, str, str | None]]] = {}
    with runtime.engine.connect() as conn:
        query = select(messages.c.id, messages.c.status, messages.c.to, messages.c.provider_sid)
        for row in conn.execute(query):
            found.setdefault(row.status, []).append((row.id, row.to, row.provider_sid))
    return found


def test_a_sender_killed_mid_batch_of_calls_calls_nobody_twice_and_reconciles_the_unknown(
    runtime: Runtime, api: tuple[Processes, Placed]
) -> None:
    procs, placed = api
    expected = numbers(CALLS, prefix="+44778")
    calls_queued(runtime, expected)
    sender = [sys.executable, "-m", "services.messaging", "sender"]
    procs.start("sender", sender)
    eventually(lambda: len(placed()) >= CALLS // 3, 120, "a third of the calls placed")
    procs.kill("sender", signal.SIGKILL)
    at_kill = by_status(runtime)
    assert at_kill.get("queued"), "the kill must land mid-batch"
    time.sleep(1)  # the requests the dead sender had made are answered by now
    at_api = dict(placed())
    unknown = [(i, to) for i, to, _ in at_kill.get("sending", []) if to in at_api]
    assert unknown, "some calls were at the Calls API with their answer not recorded"

    procs.start("sender", sender)
    eventually(
        lambda: (
            set(by_status(runtime)) <= {"accepted", "ringing", "no-answer"}
            and not by_status(runtime).get("queued")
        ),
        180,
        "every call handed to Twilio",
    )
    eventually(lambda: "sending" not in by_status(runtime), 60, "every attempt settled")
    time.sleep(QUIET_PERIOD)  # a late second call, if there were one, would land now
    count = Counter(to for to, _ in placed())
    assert {number: n for number, n in count.items() if n > 1} == {}
    assert set(count) == set(expected)
    # The unknown ones were adopted from the Calls API: the SID of the call placed before
    # the kill, not a new call.
    now = {i: sid for rows in by_status(runtime).values() for i, _, sid in rows}
    sids = dict(placed())
    for message_id, to in unknown:
        assert now[message_id] == sids[to]
    procs.check_alive()

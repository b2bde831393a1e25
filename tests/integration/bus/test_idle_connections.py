"""Long-lived bus connections stay open through quiet spells, and a dead one is replaced.

RabbitMQ closes a connection that misses two heartbeats. With a heartbeat of 2 s, a
relay or worker that sits idle for 12 s must still be connected afterwards (its
heartbeats were sent and the broker's read), and publish at once with no error logged.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import structlog

from tests.integration.bus.conftest import TinyService
from tests.support import settings

pytestmark = pytest.mark.integration

HEARTBEAT = 2.0
QUIET = 12.0  # six heartbeats


@pytest.fixture
def service(rabbitmq_url: str, bus_dir: Path, fresh_database: str) -> Iterator[TinyService]:
    bus = replace(settings.bus_settings(rabbitmq_url, bus_dir), heartbeat=HEARTBEAT)
    tiny = TinyService(bus, fresh_database)
    tiny.declare()
    try:
        yield tiny
    finally:
        tiny.close()


def _complaints(logs: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """Warnings and errors, but for the retry each test asks for on purpose."""
    return [
        e
        for e in logs
        if e["log_level"] in ("warning", "error", "critical")
        and e["event"] != "event_failed_will_retry"
    ]


def test_an_idle_relay_and_worker_keep_their_connections_and_work_after_a_quiet_spell(
    service: TinyService,
) -> None:
    stop = threading.Event()
    relay = service.relay()
    thread = threading.Thread(target=relay.run_forever, args=(stop,), daemon=True)
    thread.start()
    worker = service.start_worker()
    try:
        [first] = service.emit()
        service.failures[first] = 1  # the worker's publishing connection is used too
        service.wait_for(lambda: first in service.effect_counts(), what="the first event")
        connection = relay.connection
        assert connection.connected

        with structlog.testing.capture_logs() as logs:
            time.sleep(QUIET)
            # The broker's heartbeats were read lately on both publishing connections
            # (py-amqp notes when it last saw bytes come in, on each heartbeat check).
            assert relay.connection is not None and worker._publishing is not None
            for raw in (relay.connection._connection, worker._publishing._connection):
                assert raw is not None
                assert raw.last_heartbeat_received > time.monotonic() - 2 * HEARTBEAT
            [second] = service.emit()
            service.failures[second] = 1
            started = time.monotonic()
            service.wait_for(
                lambda: second in service.effect_counts(), what="the second event", timeout=10
            )
            took = time.monotonic() - started
        assert _complaints(logs) == [], "a connection was found dead after the quiet spell"
        assert relay.resets == 0 and relay.connection is connection and connection.connected
        # the worker's consuming connection would have logged bus_connection_lost
        assert worker._publishing is not None and worker._publishing.connected
        assert took < 3, f"the event after the quiet spell took {took:.1f} s"
    finally:
        stop.set()
        thread.join(timeout=10)


def test_a_publish_on_a_dead_connection_reconnects_and_is_sent(service: TinyService) -> None:
    relay = service.relay()
    service.emit()
    assert relay.run_once() == 1
    # The socket dies under the relay (as when a node goes away or a firewall drops it).
    relay.connection.connection.transport.sock.shutdown(socket.SHUT_RDWR)
    ids = service.emit(3)

    with structlog.testing.capture_logs() as logs:
        assert relay.run_once() == 3, "the batch went out on a new connection"
    assert relay.resets == 1
    assert [e["event"] for e in _complaints(logs)] == ["outbox_publish_retrying"]
    assert service.unpublished() == 0
    assert len(service.take_all()) == 4 and len(ids) == 3

"""RabbitMQ restarts while events flow: relay and worker reconnect, each event takes effect once.

This test stops and starts the local RabbitMQ application (`rabbitmqctl stop_app` and
`start_app`), so anything else using the broker at that moment sees it go away too.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import threading
import time
import uuid

import pytest

from tests.integration.bus.conftest import CONSUMER, TinyService

pytestmark = pytest.mark.integration

EVENTS = 300


def _rabbitmqctl(*args: str) -> None:
    subprocess.run(["rabbitmqctl", *args], check=True, capture_output=True, timeout=120)


def _accepting_connections() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 5672), timeout=1):
            return True
    except OSError:
        return False


@pytest.mark.parametrize("transport", ["rabbitmq"])
def test_events_committed_across_a_rabbitmq_restart_each_take_effect_once(
    service: TinyService,
) -> None:
    if shutil.which("rabbitmqctl") is None:
        pytest.skip("rabbitmqctl is needed to restart the local RabbitMQ")
    service.handler_delay = 0.005  # so that deliveries are in flight when the broker stops
    # One event in ten fails twice, so retries are published around the restart too.
    service.failing_calls = lambda event_id: 2 if event_id.int % 10 == 0 else 0
    emitted: list[uuid.UUID] = []

    def produce() -> None:
        """Commit events at about 100/s, before, during and after the restart."""
        for _ in range(EVENTS):
            emitted.extend(service.emit())
            time.sleep(0.01)

    stop_relay = threading.Event()
    relay = service.relay(batch_size=20)
    relay_thread = threading.Thread(target=relay.run_forever, args=(stop_relay,), daemon=True)
    producer = threading.Thread(target=produce, daemon=True)
    relay_thread.start()
    service.start_worker()
    producer.start()
    stopped = False
    try:
        service.wait_for(lambda: len(service.inbox()) >= 50, what="the first events handled")
        _rabbitmqctl("stop_app")
        stopped = True
        assert len(service.inbox()) < EVENTS, "the restart must land mid-flow"
        service.wait_for(lambda: service.unpublished() >= 30, what="events piling up in the outbox")
        _rabbitmqctl("start_app")
        _rabbitmqctl("await_startup")
        stopped = False
        service.wait_for(_accepting_connections, what="RabbitMQ accepting connections", timeout=60)

        producer.join(timeout=60)
        assert not producer.is_alive()
        service.wait_for(
            lambda: len(service.inbox()) == EVENTS, what=f"all {EVENTS} events", timeout=120
        )
        service.wait_for(lambda: service.unpublished() == 0, what="the outbox drained")
        service.wait_for(lambda: service.queue_size() == 0, what="the queue drained")
    finally:
        if stopped:
            _rabbitmqctl("start_app")
            _rabbitmqctl("await_startup")
        stop_relay.set()
        relay_thread.join(timeout=30)

    assert len(emitted) == EVENTS
    assert service.effect_counts() == {event_id: 1 for event_id in emitted}
    assert sorted(service.inbox()) == sorted((CONSUMER, event_id) for event_id in emitted)
    assert service.queue_size("dead") == 0

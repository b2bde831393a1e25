"""A worker whose consumer is registered but never fed (as one registered while a quorum
queue had no leader can be, after a node is lost) consumes again on a new connection: when
messages wait in the queue, and once when nothing reached it since it connected (the lost
consumer may hold messages, unacknowledged). The events are handled, none lost. On the
real broker."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from kombu import Consumer

from shared.bus import worker as worker_module
from shared.bus.worker import BusWorker
from tests.integration.bus.conftest import CONSUMER, TinyService

pytestmark = pytest.mark.integration


class FirstConsumerLost(BusWorker):
    """Its first consumer is not a working one: by default it listens where nothing comes
    (the empty dead-letter queue); with `swallow`, it takes the work queue's deliveries and
    neither hands them on nor acknowledges them. Later consumers are the real ones."""

    consumed = 0
    swallow = False

    def get_consumers(self, consumer_cls: Callable[..., Consumer], channel: Any) -> list[Consumer]:
        consumers = super().get_consumers(consumer_cls, channel)
        self.consumed += 1
        if self.consumed > 1:
            return consumers
        return [
            consumer_cls(
                queues=[self.queues.main if self.swallow else self.queues.dead],
                on_message=(lambda message: None) if self.swallow else self.on_message,
                prefetch_count=self.prefetch,
                accept=["application/json"],
            )
        ]


def lost_first(service: TinyService, *, swallow: bool) -> FirstConsumerLost:
    base = service.runtime.worker()
    worker = FirstConsumerLost(
        CONSUMER, base.handlers, base.uow_factory, base.connection, service.topology
    )
    worker.swallow = swallow
    return worker


@pytest.mark.parametrize("transport", ["rabbitmq"])
def test_a_worker_left_unfed_consumes_again_and_handles_what_waits(
    service: TinyService, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(worker_module, "STALL_AFTER", 0.5)
    worker = lost_first(service, swallow=False)
    thread = threading.Thread(target=worker.run, daemon=True)
    thread.start()
    try:
        emitted = service.emit(5)
        assert service.relay().run_once() == 5

        service.wait_for(lambda: len(service.inbox()) == 5, what="the five events handled")

        assert {event_id for _, event_id in service.inbox()} == set(emitted)
        assert worker.consumed >= 2, "it consumed again"
        assert service.queue_size() == 0
    finally:
        worker.should_stop = True
        thread.join(timeout=30)


@pytest.mark.parametrize("transport", ["rabbitmq"])
def test_a_worker_fed_nothing_since_connecting_consumes_again_once(
    service: TinyService, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(worker_module, "STALL_AFTER", 0.5)
    worker = lost_first(service, swallow=True)
    emitted = service.emit(5)
    assert service.relay().run_once() == 5
    thread = threading.Thread(target=worker.run, daemon=True)
    thread.start()
    try:
        service.wait_for(lambda: len(service.inbox()) == 5, what="the five events handled")

        assert {event_id for _, event_id in service.inbox()} == set(emitted)
        assert worker.consumed == 2, "it consumed again, once"
        service.wait_for(lambda: service.queue_size() == 0, what="nothing left")
    finally:
        worker.should_stop = True
        thread.join(timeout=30)

"""A relay that dies between publishing and marking sent: duplicates, handled once."""

from __future__ import annotations

from typing import Any

import pytest

from shared.bus.relay import OutboxRelay
from tests.integration.bus.conftest import CONSUMER, TinyService

pytestmark = pytest.mark.integration


class RelayKilled(BaseException):
    """Stands for the process dying: not an Exception, so nothing on the way catches it."""


def _die(*_: Any) -> None:
    raise RelayKilled


@pytest.mark.parametrize(
    "workers",
    [
        pytest.param({"count": 1}, id="one-worker-batching"),
        pytest.param({"count": 1, "batch_size": 1}, id="one-worker-one-by-one"),
        pytest.param({"count": 2, "batch_size": 3}, id="two-workers"),
    ],
)
def test_a_relay_killed_before_marking_sent_duplicates_events_that_take_effect_once(
    service: TinyService, monkeypatch: pytest.MonkeyPatch, workers: dict[str, int]
) -> None:
    ids = service.emit(10)
    monkeypatch.setattr(OutboxRelay, "_mark_published", _die)
    with pytest.raises(RelayKilled):
        service.relay().run_once()
    assert service.queue_size() == 10, "the dying relay's batch reached the broker"
    assert service.unpublished() == 10, "but its rows were never marked sent"

    monkeypatch.undo()
    assert service.relay().run_once() == 10  # the restarted relay sends the batch again
    assert service.unpublished() == 0
    assert service.queue_size() == 20

    options = {k: v for k, v in workers.items() if k != "count"}
    started = [service.start_worker(**options) for _ in range(workers["count"])]
    service.wait_for(
        lambda: sum(worker.handled for worker in started) == 20,
        what="all twenty deliveries acknowledged",
    )
    service.stop_workers()

    assert service.effect_counts() == {event_id: 1 for event_id in ids}
    assert sorted(service.inbox()) == sorted((CONSUMER, event_id) for event_id in ids)
    assert service.calls == {event_id: 1 for event_id in ids}, "duplicates skip the handler"
    assert service.queue_size() == 0, "nothing was left unacknowledged"


def test_two_relays_at_once_publish_each_event_once(service: TinyService) -> None:
    service.emit(50)
    first, second = service.relay(batch_size=10), service.relay(batch_size=10)
    total = 0
    while sent := first.run_once() + second.run_once():
        total += sent
    assert total == 50
    assert service.unpublished() == 0
    assert service.queue_size() == 50

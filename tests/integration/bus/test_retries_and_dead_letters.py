"""Failing handlers retry after growing delays, then wait in the dead letters to be replayed.

Every test runs on RabbitMQ (one retry queue per delay, whose head the worker holds until
due) and on the filesystem transport (one retry queue pumped by the worker).
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import replace
from pathlib import Path

import pytest
import structlog

from shared.bus import dead_letters
from shared.bus.worker import ATTEMPTS, ERROR
from shared.config import BusSettings
from tests.integration.bus.conftest import CONSUMER, EVENT, HandlerFailed, TinyService
from tests.support import settings

pytestmark = pytest.mark.integration


def _dead(service: TinyService) -> list[dead_letters.DeadLetter]:
    """The listing, by event id: returned messages need not come back in their order."""
    with service.connect() as conn:
        listed = dead_letters.list_dead_letters(conn, service.topology, CONSUMER)
    return sorted(listed, key=lambda d: d.event_id or "")


def _replay(service: TinyService, event_ids: set[str] | None = None) -> int:
    with service.connect() as conn:
        return dead_letters.replay(conn, service.topology, CONSUMER, event_ids)


def test_a_handler_that_fails_twice_takes_effect_once_after_two_retries(
    service: TinyService,
) -> None:
    [event_id] = service.emit()
    service.failures[event_id] = 2
    service.relay().run_once()
    started = time.monotonic()

    service.start_worker()
    service.wait_for(lambda: event_id in service.effect_counts(), what="the third attempt")

    assert time.monotonic() - started >= 0.1 + 0.2, "the retry delays were waited"
    assert service.calls[event_id] == 3
    assert service.effect_counts() == {event_id: 1}, "the failed attempts left no effect"
    assert service.inbox() == [(CONSUMER, event_id)]
    assert _dead(service) == []


def test_a_retry_held_by_a_worker_that_stops_goes_back_and_the_next_worker_handles_it(
    rabbitmq_url: str, bus_dir: Path, fresh_database: str
) -> None:
    """RabbitMQ only: the filesystem transport holds no retry, it puts back what is not due."""
    bus = replace(settings.bus_settings(rabbitmq_url, bus_dir), retry_delays=(3.0,))
    service = TinyService(bus, fresh_database)
    try:
        service.declare()
        [event_id] = service.emit()
        service.failures[event_id] = 1
        service.relay().run_once()
        retry_queue = service.topology.consumers[CONSUMER].retries[0].name

        first = service.start_worker()
        service.wait_for(lambda: retry_queue in first.held, what="the retry held until due")
        assert event_id not in service.effect_counts()
        service.stop_workers()  # its connection closes before the retry is due

        with service.connect() as conn:
            channel = conn.channel()
            _, ready, _ = channel.queue_declare(queue=retry_queue, passive=True)
            channel.close()
        assert ready == 1, "the broker took the held retry back"
        service.start_worker()
        service.wait_for(lambda: event_id in service.effect_counts(), what="the retry handled")
        assert service.calls[event_id] == 2
        assert service.effect_counts() == {event_id: 1}
    finally:
        service.close()


def test_an_event_that_keeps_failing_holds_up_none_of_the_events_around_it(
    service: TinyService,
) -> None:
    ids = service.emit(20)
    service.failures[ids[7]] = 2
    service.relay().run_once()

    service.start_worker()  # the 20 arrive together and are first tried as one batch
    service.wait_for(lambda: len(service.effect_counts()) == 20, what="all twenty")

    assert service.effect_counts() == {event_id: 1 for event_id in ids}
    assert len(service.inbox()) == 20
    assert _dead(service) == []


def test_a_handler_that_always_fails_parks_the_event_in_the_dead_letters_until_replayed(
    service: TinyService,
) -> None:
    ids = service.emit(3)
    retries = len(service.topology.retry_delays)
    service.always_fail = True
    service.relay().run_once()

    service.start_worker(batch_size=1)  # one transaction per delivery: calls are exact
    service.wait_for(lambda: service.queue_size("dead") == 3, what="three dead letters")

    assert service.calls == {event_id: 1 + retries for event_id in ids}
    assert service.effect_counts() == {}
    assert service.inbox() == []
    listed = _dead(service)
    assert [d.event_id for d in listed] == sorted(str(i) for i in ids)
    assert {d.type for d in listed} == {EVENT}
    assert {d.attempts for d in listed} == {retries}
    assert all("HandlerFailed: failing on purpose" in d.error for d in listed)
    assert all(d.dead_at is not None for d in listed)

    assert _dead(service) == listed, "listing removes nothing"
    assert service.queue_size("dead") == 3
    assert service.queue_size() == 0

    service.always_fail = False  # the bug is fixed and deployed
    assert _replay(service, {str(ids[0])}) == 1
    service.wait_for(lambda: service.effect_counts() == {ids[0]: 1}, what="the replayed event")
    assert [d.event_id for d in _dead(service)] == sorted(str(i) for i in ids[1:])

    assert _replay(service) == 2
    service.wait_for(lambda: len(service.effect_counts()) == 3, what="every replayed event")
    assert service.effect_counts() == {event_id: 1 for event_id in ids}
    assert sorted(event_id for _, event_id in service.inbox()) == sorted(ids)
    assert _dead(service) == []
    assert service.calls == {event_id: 2 + retries for event_id in ids}


def test_a_replayed_event_that_fails_again_gets_every_retry_again(service: TinyService) -> None:
    [event_id] = service.emit()
    retries = len(service.topology.retry_delays)
    service.always_fail = True
    service.relay().run_once()
    service.start_worker(batch_size=1)
    service.wait_for(lambda: service.queue_size("dead") == 1, what="the dead letter")

    assert _replay(service) == 1
    service.wait_for(lambda: service.calls[event_id] == 2 * (1 + retries), what="retries")
    service.wait_for(lambda: service.queue_size("dead") == 1, what="dead again")

    [again] = _dead(service)
    assert again.attempts == retries
    assert service.effect_counts() == {}


VALID_ID = "6f1c1d3e-7a39-4bd6-9a1a-2a1f7d6a5b11"


def _envelope(type_: str, data: dict[str, object]) -> bytes:
    return json.dumps(
        {
            "id": VALID_ID,
            "type": type_,
            "version": 1,
            "occurred_at": "2026-11-23T10:00:00+00:00",
            "producer": "somebody",
            "correlation_id": "c0ffee",
            "data": data,
        }
    ).encode()


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(b"\x00\xff this is not JSON {", id="not-json"),
        pytest.param(b'{"id": "x", "type": 3}', id="not-an-envelope"),
        pytest.param(b"[" * 50_000 + b"]" * 50_000, id="absurdly-deep-json"),
        pytest.param(_envelope("registry.no.such_event", {}), id="unknown-type"),
        pytest.param(_envelope(EVENT, {"participant_id": "not-a-uuid"}), id="breaks-contract"),
        pytest.param(_envelope(EVENT, {"participant_id": VALID_ID, "nhs": 1}), id="extra-field"),
    ],
)
def test_a_malformed_message_goes_straight_to_the_dead_letters_byte_for_byte(
    service: TinyService, body: bytes
) -> None:
    before = service.emit(3)
    service.relay().run_once()
    service.publish_raw(body)
    after = service.emit(3)
    service.relay().run_once()

    service.start_worker()
    service.wait_for(lambda: len(service.effect_counts()) == 6, what="the good events")
    service.wait_for(lambda: service.queue_size("dead") == 1, what="the dead letter")

    assert service.effect_counts() == {event_id: 1 for event_id in before + after}
    assert sum(service.calls.values()) == 6, "the handler never saw the malformed message"
    [listed] = _dead(service)
    assert listed.attempts == 0
    assert listed.error.startswith("malformed")
    [message] = service.take_all("dead")
    assert message.body == body, "kept as it came, for whoever investigates"
    assert message.headers[ATTEMPTS] == 0
    assert "malformed" in message.headers[ERROR]


def test_nothing_is_lost_when_malformed_and_good_messages_are_interleaved(
    service: TinyService,
) -> None:
    good: list[uuid.UUID] = []
    for index in range(5):
        good += service.emit(2)
        service.relay().run_once()
        service.publish_raw(b"not json %d" % index)

    service.start_worker()
    service.wait_for(lambda: len(service.effect_counts()) == 10, what="the good events")
    service.wait_for(lambda: service.queue_size("dead") == 5, what="five dead letters")

    assert service.effect_counts() == {event_id: 1 for event_id in good}
    dead = sorted(message.body for message in service.take_all("dead"))
    assert dead == [b"not json %d" % index for index in range(5)]


def test_replay_all_replays_only_the_letters_there_at_its_start_though_they_fail_again(
    bus_config: BusSettings, fresh_database: str
) -> None:
    """The worker keeps running and dead-letters each replayed event again at once (no
    retries here), so they come back to the tail of the queue the replay is reading."""
    poisoned = 60
    service = TinyService(replace(bus_config, retry_delays=()), fresh_database)
    service.declare()
    try:
        service.always_fail = True
        ids = service.emit(poisoned)
        service.relay().run_once()
        service.start_worker()
        service.wait_for(lambda: len(_dead(service)) == poisoned, what="every event dead")

        started = time.monotonic()
        assert _replay(service) == poisoned, "each letter replayed once, none of its returns"
        assert time.monotonic() - started < 30

        service.wait_for(lambda: all(service.calls[i] >= 2 for i in ids), what="tried again")
        service.wait_for(lambda: len(_dead(service)) == poisoned, what="all dead again")
        assert {d.event_id for d in _dead(service)} == {str(i) for i in ids}
        assert _replay(service) == poisoned, "a second replay finds them all again"
    finally:
        service.close()


def test_retries_log_no_traceback_and_the_last_try_logs_one(service: TinyService) -> None:
    [event_id] = service.emit()
    service.always_fail = True
    service.relay().run_once()
    with structlog.testing.capture_logs() as logs:
        service.start_worker()
        service.wait_for(lambda: len(_dead(service)) == 1, what="the dead letter")
        service.stop_workers()

    retries = [e for e in logs if e["event"] == "event_failed_will_retry"]
    dead = [e for e in logs if e["event"] == "event_dead_lettered"]
    assert [e["attempt"] for e in retries] == [1, 2, 3]
    assert all(not e.get("exc_info") for e in retries), "a routine retry printed a traceback"
    assert len(dead) == 1 and dead[0]["event_id"] == str(event_id)
    exc = dead[0]["exc_info"]
    assert isinstance(exc, HandlerFailed) and exc.__traceback__ is not None

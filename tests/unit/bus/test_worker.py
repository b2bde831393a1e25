"""BusWorker on an in-memory unit of work: each event id takes effect once, failures retry."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, cast

import pytest
from kombu import Connection

from shared.bus.topology import Topology
from shared.bus.worker import ATTEMPTS, ERROR, BusWorker
from shared.db.unit_of_work import SqlUnitOfWork
from shared.events import Event, encode, new_event

EVENT = "registry.participant.erased"
CONSUMER = "tiny"


@dataclass
class Store:
    """What a database would hold once transactions commit."""

    inbox: set[tuple[str, uuid.UUID]] = field(default_factory=set)
    effects: list[uuid.UUID] = field(default_factory=list)


class FakeUnitOfWork:
    """The real unit of work's rules in memory: nothing counts until it commits."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.effects: list[uuid.UUID] = []
        self._claims: set[tuple[str, uuid.UUID]] = set()
        self._depth = 0
        self._deferring = False

    def __enter__(self) -> FakeUnitOfWork:
        self._depth += 1
        return self

    def __exit__(self, *_: object) -> None:
        self._depth -= 1
        if self._depth == 0:
            self.rollback()  # closing discards whatever was not committed

    def claim(self, consumer: str, event: Event) -> bool:
        key = (consumer, event.id)
        if key in self.store.inbox or key in self._claims:
            return False
        self._claims.add(key)
        return True

    def commit(self) -> None:
        if not self._deferring:
            self._apply()

    @contextmanager
    def deferring_commits(self) -> Iterator[None]:
        self._deferring = True
        try:
            yield
        finally:
            self._deferring = False
        self._apply()

    def rollback(self) -> None:
        self.effects.clear()
        self._claims.clear()

    def _apply(self) -> None:
        self.store.inbox |= self._claims
        self.store.effects += self.effects
        self.rollback()


@dataclass
class FakeMessage:
    body: bytes
    headers: dict[str, Any] = field(default_factory=dict)
    content_type: str = "application/json"
    content_encoding: str = "utf-8"
    acked: int = 0

    def ack(self) -> None:
        self.acked += 1


@dataclass
class FakeProducer:
    sent: list[tuple[str, bytes, dict[str, Any]]] = field(default_factory=list)

    def publish(self, body: bytes, *, routing_key: str, headers: dict[str, Any], **_: Any) -> None:
        self.sent.append((routing_key, body, headers))


class Handler:
    """Records the effect; fails for the ids in `failing`."""

    def __init__(self) -> None:
        self.calls: list[uuid.UUID] = []
        self.failing: set[uuid.UUID] = set()

    def __call__(self, event: Event, uow: FakeUnitOfWork) -> None:
        self.calls.append(event.id)
        with uow:
            uow.effects.append(event.id)
            if event.id in self.failing:
                raise RuntimeError("the handler broke")
            uow.commit()


@pytest.fixture
def store() -> Store:
    return Store()


@pytest.fixture
def handler() -> Handler:
    return Handler()


@pytest.fixture
def producer() -> FakeProducer:
    return FakeProducer()


@pytest.fixture
def worker(store: Store, handler: Handler, producer: FakeProducer) -> BusWorker:
    topology = Topology((0.1, 0.2), rabbitmq=True, subscriptions={CONSUMER: (EVENT,)})
    uow_factory = cast("Callable[[], SqlUnitOfWork]", lambda: FakeUnitOfWork(store))
    worker = BusWorker(CONSUMER, {EVENT: handler}, uow_factory, Connection("memory://"), topology)
    worker.producer = cast(Any, producer)
    return worker


def an_event() -> Event:
    return new_event(EVENT, {"participant_id": uuid.uuid4()}, "registry")


def delivery(event: Event, attempts: int = 0) -> FakeMessage:
    return FakeMessage(encode(event).encode(), {ATTEMPTS: attempts} if attempts else {})


def test_a_duplicate_event_id_is_skipped_and_the_handler_runs_once(
    worker: BusWorker, store: Store, handler: Handler
) -> None:
    event = an_event()

    worker.process(event)
    worker.process(event)

    assert handler.calls == [event.id]
    assert store.effects == [event.id]
    assert store.inbox == {(CONSUMER, event.id)}


def test_duplicates_arriving_together_take_effect_once_and_are_all_acknowledged(
    worker: BusWorker, store: Store, handler: Handler
) -> None:
    first, second = an_event(), an_event()
    messages = [delivery(e) for e in (first, second, first, second, first)]

    for message in messages:
        worker.on_message(cast(Any, message))
    worker.flush()

    assert handler.calls == [first.id, second.id]
    assert sorted(store.effects) == sorted([first.id, second.id])
    assert [m.acked for m in messages] == [1] * 5


def test_a_failing_handler_leaves_neither_effect_nor_inbox_row(
    worker: BusWorker, store: Store, handler: Handler
) -> None:
    event = an_event()
    handler.failing.add(event.id)

    with pytest.raises(RuntimeError):
        worker.process(event)
    assert store == Store()

    handler.failing.clear()
    worker.process(event)  # so the retry is not taken for a duplicate
    assert store.effects == [event.id]


def test_one_failing_event_in_a_batch_is_retried_and_the_others_take_effect_once(
    worker: BusWorker, store: Store, handler: Handler, producer: FakeProducer
) -> None:
    events = [an_event() for _ in range(4)]
    handler.failing.add(events[2].id)
    messages = [delivery(e) for e in events]

    for message in messages:
        worker.on_message(cast(Any, message))
    worker.flush()

    assert sorted(store.effects) == sorted(e.id for e in events if e is not events[2])
    assert (CONSUMER, events[2].id) not in store.inbox
    [(queue, body, headers)] = producer.sent
    assert queue == f"trialreach.{CONSUMER}.retry.100ms"
    assert body == messages[2].body
    assert headers[ATTEMPTS] == 1
    assert headers[ERROR] == "RuntimeError: the handler broke"
    assert [m.acked for m in messages] == [1, 1, 1, 1]


def test_after_its_last_retry_an_event_goes_to_the_dead_letters_with_its_error(
    worker: BusWorker, store: Store, handler: Handler, producer: FakeProducer
) -> None:
    event = an_event()
    handler.failing.add(event.id)
    message = delivery(event, attempts=2)  # both retries used

    worker.on_message(cast(Any, message))
    worker.flush()

    [(queue, _, headers)] = producer.sent
    assert queue == f"trialreach.{CONSUMER}.dead"
    assert headers[ATTEMPTS] == 2
    assert headers[ERROR].startswith("RuntimeError: the handler broke\nTraceback")
    assert message.acked == 1
    assert store == Store()


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(b"{not json", id="not-json"),
        pytest.param(b"[" * 100_000 + b"]" * 100_000, id="absurdly-deep-json"),
        pytest.param(
            json.dumps({**json.loads(encode(an_event())), "type": "no.such.event"}).encode(),
            id="unknown-type",
        ),
    ],
)
def test_a_malformed_message_is_dead_lettered_at_once_without_reaching_the_handler(
    worker: BusWorker, handler: Handler, producer: FakeProducer, body: bytes
) -> None:
    message = FakeMessage(body)

    worker.on_message(cast(Any, message))
    worker.flush()

    [(queue, sent, headers)] = producer.sent
    assert queue == f"trialreach.{CONSUMER}.dead"
    assert sent == body
    assert headers[ATTEMPTS] == 0
    assert headers[ERROR].startswith("malformed")
    assert message.acked == 1
    assert handler.calls == []


def test_an_event_without_a_handler_is_recorded_as_handled_and_acknowledged(
    worker: BusWorker, store: Store
) -> None:
    event = new_event("registry.trial.created", _trial(), "registry")
    message = delivery(event)

    worker.on_message(cast(Any, message))
    worker.flush()

    assert store.inbox == {(CONSUMER, event.id)}
    assert message.acked == 1


def _trial() -> dict[str, Any]:
    return {
        "trial_id": uuid.uuid4(),
        "short_name": "T",
        "title": "A trial",
        "response_deadline_days": None,
    }

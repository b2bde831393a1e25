"""Who subscribes to what matches who handles what, and every event has a contract."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from services.consent.entrypoints.handlers import HANDLERS as CONSENT
from services.messaging.entrypoints.handlers import HANDLERS as MESSAGING
from services.registry.entrypoints.handlers import HANDLERS as REGISTRY
from shared.bus.topology import OWN_WORK, SUBSCRIPTIONS, Topology
from shared.bus.worker import Handler
from shared.events.contracts import CONTRACTS

HANDLERS: dict[str, Mapping[str, Handler]] = {
    "registry": REGISTRY,
    "messaging": MESSAGING,
    "consent": CONSENT,
}


def test_every_service_with_handlers_has_a_queue_and_no_queue_lacks_a_service() -> None:
    assert set(SUBSCRIPTIONS) == set(HANDLERS)


@pytest.mark.parametrize("service", sorted(HANDLERS))
def test_a_service_subscribes_to_exactly_the_events_it_handles(service: str) -> None:
    subscribed = SUBSCRIPTIONS[service]
    assert len(subscribed) == len(set(subscribed)), "an event is bound twice"
    missing_handler = set(subscribed) - set(HANDLERS[service])
    missing_binding = set(HANDLERS[service]) - set(subscribed)
    assert not missing_handler, f"subscribed without a handler: {sorted(missing_handler)}"
    assert not missing_binding, f"handled but never delivered: {sorted(missing_binding)}"


@pytest.mark.parametrize("service", sorted(HANDLERS))
def test_every_subscribed_event_has_a_contract_and_a_literal_routing_key(service: str) -> None:
    for event_type in SUBSCRIPTIONS[service]:
        assert event_type in CONTRACTS, f"{event_type} has no contract"
        assert not {"*", "#"} & set(event_type), "a wildcard would bind events with no handler"


def test_no_service_consumes_its_own_events_but_its_chunked_work() -> None:
    for service, subscribed in SUBSCRIPTIONS.items():
        own = {t for t in subscribed if t.startswith(f"{service}.")}
        assert own <= OWN_WORK, f"{service} consumes its own {sorted(own - OWN_WORK)}"
    assert all(t in SUBSCRIPTIONS[t.split(".")[0]] for t in OWN_WORK), "listed, never consumed"


@pytest.mark.parametrize("rabbitmq", [True, False], ids=["rabbitmq", "filesystem"])
def test_each_service_gets_a_main_queue_its_retries_and_a_dead_letter_queue(
    rabbitmq: bool,
) -> None:
    delays = (1.0, 5.0, 30.0)
    topology = Topology(delays, rabbitmq=rabbitmq, namespace="ns")

    for service, subscribed in SUBSCRIPTIONS.items():
        queues = topology.consumers[service]
        assert queues.main.name == f"ns.{service}"
        assert queues.dead.name == f"ns.{service}.dead"
        assert sorted(b.routing_key for b in queues.main.bindings) == sorted(subscribed)
        assert {b.exchange.name for b in queues.main.bindings} == {"ns"}
        if rabbitmq:
            main: Any = queues.main  # kombu's stubs do not declare queue_arguments
            retries: list[Any] = list(queues.retries)
            assert [q.name for q in retries] == [
                f"ns.{service}.retry.{ms}ms" for ms in (1000, 5000, 30000)
            ]
            # the worker moves a retry back when due: no broker TTL or dead-lettering to
            # strand it when a node is lost
            for retry in retries:
                assert "x-message-ttl" not in retry.queue_arguments, retry.name
                assert "x-dead-letter-routing-key" not in retry.queue_arguments, retry.name
                assert retry.queue_arguments["x-delivery-limit"] >= 1_000_000, retry.name
            assert main.queue_arguments["x-queue-type"] == "quorum"
            assert main.queue_arguments["x-dead-letter-routing-key"] == queues.dead.name
            # every queue survives the loss of a node (decision 0017): none is classic
            dead: Any = queues.dead
            for queue in [main, *retries, dead]:
                assert queue.queue_arguments["x-queue-type"] == "quorum", queue.name
            # listing returns letters to the queue: no delivery limit may drop them
            assert dead.queue_arguments["x-delivery-limit"] >= 1_000_000
        else:
            assert [q.name for q in queues.retries] == [f"ns.{service}.retry"]

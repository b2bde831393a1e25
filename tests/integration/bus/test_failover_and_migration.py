"""BROKER_URL with several nodes, and queues declared by an older release.

Failover: the first nodes named are down (nothing listens on their ports); the worker,
relay, dead-letters command and readiness check all reach the one that is up. Migration:
dead-letter queues were classic queues before decision 0017; `migrate` turns them into
quorum queues without losing a letter.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from amqp.exceptions import PreconditionFailed
from kombu import Queue

from shared.bus import dead_letters, migration
from tests.integration.bus.conftest import CONSUMER, TinyService
from tests.support import settings
from tests.support.rabbitmq_cluster import free_port

pytestmark = pytest.mark.integration


@pytest.fixture
def behind_dead_nodes(
    rabbitmq_url: str, bus_dir: Path, fresh_database: str
) -> Iterator[TinyService]:
    dead = [f"amqp://guest:guest@127.0.0.1:{free_port()}//" for _ in range(2)]
    bus = settings.bus_settings(";".join([*dead, rabbitmq_url]), bus_dir)
    tiny = TinyService(bus, fresh_database)
    tiny.declare()
    try:
        yield tiny
    finally:
        tiny.close()


def test_every_bus_user_fails_over_past_nodes_that_are_down(
    behind_dead_nodes: TinyService,
) -> None:
    service = behind_dead_nodes
    service.runtime.check_bus()  # readiness: raises if no node answers

    [event_id] = service.emit()
    service.always_fail = True
    assert service.relay().run_once() == 1
    service.start_worker()
    service.wait_for(lambda: len(service.calls) == 1 and service.queue_size("dead") == 1, "dead")
    service.stop_workers()

    with service.connect() as conn:
        listed = dead_letters.list_dead_letters(conn, service.topology, CONSUMER)
        assert [letter.event_id for letter in listed] == [str(event_id)]
        service.always_fail = False
        assert dead_letters.replay(conn, service.topology, CONSUMER) == 1
    service.start_worker()
    service.wait_for(lambda: event_id in service.effect_counts(), what="the replayed event")


@pytest.mark.parametrize("transport", ["rabbitmq"])  # queue types are RabbitMQ's
def test_migrate_turns_a_classic_dead_letter_queue_into_a_quorum_one_keeping_its_letters(
    service: TinyService,
) -> None:
    dead = service.topology.consumers[CONSUMER].dead
    classic = Queue(dead.name, durable=True, queue_arguments={"x-queue-type": "classic"})
    with service.connect() as conn:
        dead(conn.channel()).delete()
        classic(conn.channel()).declare()  # as releases before 0017 declared it
        producer = conn.Producer()
        for n in range(3):
            producer.publish(
                {"n": n}, exchange="", routing_key=dead.name, headers={"x-attempts": 5}
            )
        with pytest.raises(PreconditionFailed):
            dead(conn.channel()).declare()  # what every process hit after the upgrade

        assert migration.migrate(conn, service.topology) == [dead.name]
        assert migration.migrate(conn, service.topology) == [], "a second run has nothing to do"

        dead(conn.channel()).declare()  # quorum now: today's declaration is accepted
        with pytest.raises(PreconditionFailed):
            classic(conn.channel()).declare()
    bodies = sorted(message.payload["n"] for message in service.take_all("dead"))
    assert bodies == [0, 1, 2]

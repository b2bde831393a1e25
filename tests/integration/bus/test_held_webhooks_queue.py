"""Messaging's held webhooks on RabbitMQ: a request that fails to be stored goes back to
its queue, so the queue must not drop it after some number of returns (RabbitMQ 4's
default delivery limit is 20). `migrate` brings a queue an older release declared without
the limit up to date, keeping what it holds."""

from __future__ import annotations

from pathlib import Path

import pytest
from amqp.exceptions import PreconditionFailed
from kombu import Connection, Queue

from services.messaging.adapters.webhook_hold import WebhookHold, held_queue
from services.messaging.bootstrap import build_runtime
from shared.bus import migration
from shared.bus.connection import connect, topology_for
from shared.bus.topology import DEAD_LETTER_DELIVERY_LIMIT
from tests.support import servers, settings

pytestmark = pytest.mark.integration


def test_migrate_gives_an_old_held_queue_its_delivery_limit_and_keeps_the_requests(
    rabbitmq_url: str, bus_dir: Path
) -> None:
    bus = settings.bus_settings(rabbitmq_url, bus_dir)
    queue = held_queue(bus)
    assert queue.queue_arguments["x-delivery-limit"] == DEAD_LETTER_DELIVERY_LIMIT  # type: ignore[attr-defined]  # kombu: no types
    old = Queue(queue.name, durable=True, queue_arguments={"x-queue-type": "quorum"})
    hold = WebhookHold(bus)
    conn: Connection = connect(bus)
    try:
        old(conn.channel()).declare()  # as releases before the limit declared it
        producer = conn.Producer()
        for n in range(3):
            producer.publish(
                {"form": {"MessageSid": f"SM{n}"}}, exchange="", routing_key=queue.name
            )
        with pytest.raises(PreconditionFailed):
            queue(conn.channel()).declare()  # what the webhook would hit after the upgrade

        # messaging's `migrate` includes it (its runtime names it as its own queue)
        runtime = build_runtime(settings.messaging(f"sqlite:///{bus_dir / 'm.db'}", bus))
        assert [q.name for q in runtime.own_queues] == [queue.name]
        assert runtime.migrate_bus() == [queue.name]
        assert migration.migrate(conn, topology_for(bus), (queue,)) == [], "nothing left to do"

        taken: list[str] = []
        assert hold.take(lambda request: taken.append(request["form"]["MessageSid"])) == 3
        assert sorted(taken) == ["SM0", "SM1", "SM2"]
    finally:
        hold.close()
        servers.delete_bus(conn, topology_for(bus), (queue,))  # migrate declared them all
        conn.release()

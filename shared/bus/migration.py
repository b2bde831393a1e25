"""Moving queues declared by an older release to the arguments this one declares.

RabbitMQ refuses to redeclare a queue with other arguments (406 PRECONDITION_FAILED),
and a queue's type cannot change in place. Releases before decision 0017 declared the
dead-letter queues as classic queues; they are quorum queues now. `migrate` (run by each
service's `migrate` command, before its workers and relays start) moves such a queue's
messages into a holding quorum queue, deletes the old queue, declares the new one and
moves the messages back. Each message is confirmed by the broker before it is removed
from where it was, so a crash at any point loses nothing: running it again finishes the
move (it may leave a message in both places only if it dies between the confirm and the
ack, and consumers' inboxes absorb that).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from amqp.exceptions import NotFound, PreconditionFailed
from kombu import Connection, Queue

from shared.bus.topology import Topology
from shared.logs import get_logger

log = get_logger(__name__)


def _exists(connection: Connection, name: str) -> bool:
    channel = connection.channel()
    try:
        channel.queue_declare(queue=name, passive=True)
        return True
    except NotFound:
        return False
    finally:
        _close(channel)


def _declares(connection: Connection, queue: Queue) -> bool:
    """Whether the queue can be declared with these arguments (it is new or matches)."""
    channel = connection.channel()
    try:
        queue(channel).declare()
        return True
    except PreconditionFailed:
        return False
    finally:
        _close(channel)


def _close(channel: Any) -> None:
    try:
        channel.close()
    except Exception as exc:  # already closed by the broker's refusal
        log.debug("bus_channel_close_failed", error=str(exc))


def _move(connection: Any, source: str, target: str) -> int:
    moved = 0
    channel = connection.channel()
    try:
        while (message := channel.basic_get(queue=source, no_ack=False)) is not None:
            # waits for the broker's confirm (and puts the channel in confirm mode)
            channel.basic_publish_confirm(message, exchange="", routing_key=target)
            channel.basic_ack(message.delivery_tag)
            moved += 1
    finally:
        _close(channel)
    return moved


def migrate(connection: Connection, topology: Topology, own: Sequence[Queue] = ()) -> list[str]:
    """Bring every queue of the topology, and a service's `own` queues outside it, to their
    current arguments; returns those moved."""
    if not topology.rabbitmq:
        return []
    raw = connection.connection  # py-amqp's own: basic_get and publish with a confirm
    migrated = []
    for queue in (*topology.all_queues(), *own):
        holding = Queue(
            f"{queue.name}.migrating", durable=True, queue_arguments={"x-queue-type": "quorum"}
        )
        if _declares(connection, queue):
            if _exists(connection, holding.name):  # a run that died after the swap
                _move(raw, holding.name, queue.name)
                _delete(connection, holding.name)
                migrated.append(queue.name)
            continue
        log.warning("bus_queue_migrating", queue=queue.name)
        holding(connection.channel()).declare()
        moved = _move(raw, queue.name, holding.name)
        _delete(connection, queue.name)
        queue(connection.channel()).declare()
        _move(raw, holding.name, queue.name)
        _delete(connection, holding.name)
        log.warning("bus_queue_migrated", queue=queue.name, messages=moved)
        migrated.append(queue.name)
    return migrated


def _delete(connection: Connection, name: str) -> None:
    channel = connection.channel()
    try:
        channel.queue_delete(queue=name)
    finally:
        _close(channel)

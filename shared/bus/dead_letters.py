"""List and replay a consumer's dead letters.

Listing takes every message without acknowledging it and lets the broker return them
when the channel closes, so a listing never removes anything.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from kombu import Connection, Producer

from shared.bus.topology import Topology
from shared.bus.worker import ATTEMPTS, ERROR
from shared.logs import mask_digits


@dataclass(frozen=True)
class DeadLetter:
    event_id: str | None
    type: str | None
    error: str
    attempts: int
    dead_at: str | None
    size: int


def _describe(message: Any) -> DeadLetter:
    headers = message.headers or {}
    try:
        envelope = json.loads(message.body)
        event_id, type_ = envelope.get("id"), envelope.get("type")
    except (ValueError, AttributeError, RecursionError):
        event_id, type_ = None, None
    dead_at = headers.get("x-dead-at")
    return DeadLetter(
        event_id=event_id if isinstance(event_id, str) else None,
        type=type_ if isinstance(type_, str) else None,
        error=mask_digits(str(headers.get(ERROR, "")))[:500],
        attempts=int(headers.get(ATTEMPTS, 0)),
        dead_at=datetime.fromtimestamp(float(dead_at), UTC).isoformat() if dead_at else None,
        size=len(message.body),
    )


def list_dead_letters(
    connection: Connection, topology: Topology, consumer: str
) -> list[DeadLetter]:
    queue = topology.consumers[consumer].dead
    found: list[DeadLetter] = []
    with connection.clone() as conn:
        channel = conn.channel()
        topology.declare(channel)
        bound = queue(channel)
        while (message := bound.get(no_ack=False, accept=["application/json"])) is not None:
            found.append(_describe(message))
        _return_unacked(channel)
    return found


def replay(
    connection: Connection, topology: Topology, consumer: str, event_ids: set[str] | None = None
) -> int:
    """Send dead letters (all, or those with the given event ids) back to the main queue.

    Attempts start again from zero. The others stay where they are. Only the letters
    that were in the queue when the replay started are looked at: a replayed letter that
    fails again comes back to the tail of this queue while we are still reading it, and
    must wait for the next replay (without this bound, `--all` replays it again and
    again and never ends).
    """
    queues = topology.consumers[consumer]
    replayed = 0
    with connection.clone() as conn:
        channel = conn.channel()
        topology.declare(channel)
        producer = Producer(channel)
        bound = queues.dead(channel)
        for _ in range(_message_count(channel, queues.dead.name)):
            message = bound.get(no_ack=False, accept=["application/json"])
            if message is None:
                break
            if event_ids is not None and _describe(message).event_id not in event_ids:
                continue
            headers = {k: v for k, v in (message.headers or {}).items() if not k.startswith("x-")}
            producer.publish(
                message.body,
                exchange="",
                routing_key=queues.main.name,
                content_type=message.content_type,
                content_encoding=message.content_encoding,
                headers={**headers, "x-replayed-at": datetime.now(UTC).timestamp()},
                delivery_mode=2,
            )
            message.ack()
            replayed += 1
        _return_unacked(channel)
    return replayed


def _message_count(channel: Any, queue: str) -> int:
    """How many messages are ready in the queue now (not those taken by others)."""
    _, count, _ = channel.queue_declare(queue=queue, passive=True)
    return int(count)


def _return_unacked(channel: Any) -> None:
    """Give back what we looked at; on RabbitMQ closing the channel does it."""
    if hasattr(channel, "qos") and hasattr(channel.qos, "restore_unacked_once"):
        channel.qos.restore_unacked_once()
    channel.close()

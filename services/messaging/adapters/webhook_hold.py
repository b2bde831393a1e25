"""Webhook requests held on the bus while the database is away (decision 16).

One durable queue of its own (a quorum queue on RabbitMQ, a folder on the filesystem
transport), reached through the default exchange: the request is put there with the
broker's confirm before Twilio gets its 2xx, and taken off only after it is stored."""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Callable
from typing import Any

from kombu import Connection, Message, Queue

from shared.bus.connection import connect
from shared.bus.topology import DEAD_LETTER_DELIVERY_LIMIT
from shared.config import BusSettings

CONNECT_TIMEOUT = 2.0  # seconds: a request thread waits no longer for a broker that is away


def held_queue(bus: BusSettings) -> Queue:
    # A request whose storing fails goes back to the queue: quorum queues count each return,
    # and RabbitMQ 4 drops a message after 20 by default, so a long database outage would
    # lose replies. The limit is set out of reach, as for dead letters (decision 17).
    arguments: dict[str, object] = (
        {}
        if bus.is_filesystem
        else {"x-queue-type": "quorum", "x-delivery-limit": DEAD_LETTER_DELIVERY_LIMIT}
    )
    return Queue(
        f"{bus.namespace}.messaging.webhooks-held",
        durable=True,
        routing_key=f"{bus.namespace}.messaging.webhooks-held",
        queue_arguments=arguments,
    )


class WebhookHold:
    """Thread-safe; one per process, connecting on first use and again after a failure."""

    def __init__(self, bus: BusSettings) -> None:
        self.bus = bus
        self.queue = held_queue(bus)
        self._lock = threading.Lock()
        self._connection: Connection | None = None
        self._channel: Any = None

    def _open(self) -> Any:
        if self._channel is None:
            connection = connect(self.bus)  # each publish waits for the broker's confirm
            connection.ensure_connection(max_retries=1, timeout=CONNECT_TIMEOUT)
            channel = connection.channel()
            self.queue(channel).declare()
            self._connection, self._channel = connection, channel
        return self._channel

    def close(self) -> None:
        with self._lock:
            self._reset()

    def _reset(self) -> None:
        connection, self._connection, self._channel = self._connection, None, None
        if connection is not None:
            # A broken connection may fail to close; it is dropped either way.
            with contextlib.suppress(Exception):
                connection.release()

    def put(self, request: dict[str, Any]) -> None:
        """Returns once the broker holds the request (confirmed); raises otherwise.

        A web process puts nothing for hours, so its connection may have been closed by
        the broker meanwhile (missed heartbeats): a failure is tried once more on a new
        connection before it counts."""
        body = json.dumps(request)
        with self._lock:
            for attempt in (1, 2):
                try:
                    channel = self._open()
                    message = channel.prepare_message(
                        body,
                        properties={"delivery_mode": 2},
                        content_type="application/json",
                        content_encoding="utf-8",
                    )
                    channel.basic_publish(message, exchange="", routing_key=self.queue.name)
                    return
                except Exception:
                    self._reset()
                    if attempt == 2:
                        raise

    def take(self, handle: Callable[[dict[str, Any]], None], limit: int = 100) -> int:
        """Hand up to `limit` held requests to `handle`, one at a time, removing each only
        once `handle` returned; one that raises goes back and the error propagates."""
        taken = 0
        with self._lock:
            try:
                channel = self._open()
                bound = self.queue(channel)
                while taken < limit:
                    message: Message | None = bound.get(no_ack=False)
                    if message is None:
                        break
                    try:
                        handle(json.loads(message.body))
                    except Exception:
                        message.requeue()
                        raise
                    message.ack()
                    taken += 1
            except Exception:
                self._reset()
                raise
        return taken

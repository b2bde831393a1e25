"""One way to open the bus, whether it is RabbitMQ or kombu's filesystem transport.

BROKER_URL may name several RabbitMQ nodes of one cluster, separated by ';'
(amqp://a:5672//;amqp://b:5672//;amqp://c:5672//). kombu tries them round-robin: a
connection that cannot be made, or is lost, moves on to the next node at once, and only
waits between whole rounds. Every connection that lives long has heartbeats, and whoever
holds one idle calls `KeepAlive.tick` so that the broker and we both notice a dead peer.
"""

from __future__ import annotations

import contextlib
import socket
import time
from typing import Any

from kombu import Connection

from shared.bus import filesystem
from shared.bus.topology import Topology
from shared.config import BusSettings
from shared.logs import get_logger

log = get_logger(__name__)

CONNECT_TIMEOUT = 5.0  # seconds; a node that is down refuses at once, a hung one times out


class FailoverConnection(Connection):
    """kombu's Connection, but connecting on first use tries every node named once.

    kombu's own lazy connect (the `connection` property, behind `channel()`) gives up
    after two addresses, so with the first two nodes down a process would not reach
    the third. clone() keeps this class, so ConsumerMixin's reconnects use it too.
    """

    @property
    def connection(self) -> Any:
        if not self._closed and not self.connected:
            return self._ensure_connection(  # type: ignore[no-untyped-call]  # kombu: no types
                max_retries=max(len(self.alt) - 1, 1), reraise_as_library_errors=False
            )
        return self._connection


def broker_urls(settings: BusSettings) -> list[str]:
    """The nodes named in BROKER_URL, in order."""
    return [url.strip() for url in settings.broker_url.split(";") if url.strip()]


def connect(settings: BusSettings, *, confirm_each: bool = True) -> Connection:
    """confirm_each: every publish waits for the broker's confirm (the relay batches its own)."""
    if settings.is_filesystem:
        folder = settings.data_dir
        (folder / "control").mkdir(parents=True, exist_ok=True)
        return Connection(
            hostname="localhost",
            transport=filesystem.Transport,  # kombu's, writing each message atomically
            transport_options={
                "data_folder_in": str(folder),
                "data_folder_out": str(folder),
                "control_folder": str(folder / "control"),
                "polling_interval": 0.05,
            },
        )
    return FailoverConnection(  # type: ignore[no-untyped-call]  # kombu's __init__: no types
        ";".join(broker_urls(settings)),
        heartbeat=settings.heartbeat,
        failover_strategy="round-robin",
        connect_timeout=CONNECT_TIMEOUT,
        # Each publish waits for the broker's confirm, so the outbox row is only marked
        # sent once the broker has the event.
        transport_options={"confirm_publish": confirm_each},
    )


class KeepAlive:
    """Drives the heartbeats of a connection that is idle between publishes.

    kombu sends and checks heartbeats only when asked (heartbeat_check), and counts the
    broker's heartbeats only when it reads from the socket. A connection that only
    publishes does neither while idle, so the broker closes it after two missed
    heartbeats and the next publish fails. tick() reads whatever is waiting, then lets
    kombu send ours and check the broker's; it raises the connection error if the
    connection is dead, so the caller reconnects before it needs to publish.
    """

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self._next = 0.0

    def tick(self) -> None:
        heartbeat = float(self.connection.heartbeat or 0)
        if not heartbeat or not self.connection.connected:
            return
        now = time.monotonic()
        if now < self._next:
            return
        self._next = now + heartbeat / 4
        with contextlib.suppress(TimeoutError, socket.timeout):
            self.connection.drain_events(timeout=0.001)
        self.connection.heartbeat_check(rate=2)


def topology_for(settings: BusSettings) -> Topology:
    return Topology(
        settings.retry_delays, rabbitmq=not settings.is_filesystem, namespace=settings.namespace
    )

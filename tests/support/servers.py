"""Reaching the real PostgreSQL and RabbitMQ: skip with a reason locally, fail under CI."""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

import pytest

from shared.db.scratch import scratch_database

POSTGRES_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
RABBITMQ_URL = os.environ.get("TEST_RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672//")


def _reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


def require(name: str, url: str, default_port: int) -> str:
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or default_port
    if _reachable(host, port):
        return url
    reason = f"{name} is not reachable at {host}:{port}"
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; under CI the integration tests must run", pytrace=False)
    pytest.skip(f"{reason} (install and start it, or run `make test` to start it)")


@contextmanager
def fresh_postgres_database(prefix: str) -> Iterator[str]:
    """A new, empty database for this run; dropped afterwards."""
    with scratch_database(POSTGRES_URL, f"tr_{prefix}") as url:
        yield url


@contextmanager
def rabbitmq_namespace(
    prefix: str, retry_delays: tuple[float, ...] = (1.0, 5.0, 30.0, 120.0, 600.0)
) -> Iterator[str]:
    """A bus namespace of its own, whose quorum queues and exchange are deleted afterwards:
    left behind, hundreds of them slow the local RabbitMQ until it stops answering."""
    from kombu import Connection

    from shared.bus.topology import Topology

    namespace = f"{prefix}-{uuid.uuid4().hex[:8]}"
    try:
        yield namespace
    finally:
        topology = Topology(retry_delays, rabbitmq=True, namespace=namespace)
        with Connection(RABBITMQ_URL, connect_timeout=10) as conn:
            channel = conn.channel()
            for queue in topology.all_queues():
                queue(channel).delete()
            # Messaging's own queue of webhook requests held in a database outage.
            channel.queue_delete(f"{namespace}.messaging.webhooks-held")
            topology.exchange(channel).delete()


def delete_bus(conn: Any, topology: Any, own: Any = ()) -> None:
    """Delete a test namespace's queues (the topology's and any `own`) and its exchange."""
    channel = conn.channel()
    for queue in (*topology.all_queues(), *own):
        queue(channel).delete()
    topology.exchange(channel).delete()

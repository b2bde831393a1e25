"""How many retries wait in one of a worker's retry queues."""

from __future__ import annotations

from typing import Any

from shared.bus.worker import BusWorker
from shared.runtime import Runtime


def retries_waiting(runtime: Runtime[Any], worker: BusWorker, queue: str) -> int:
    """Ready in the queue, plus the head the worker holds there until it is due."""
    with runtime.connect() as conn:
        channel = conn.channel()
        _, ready, _ = channel.queue_declare(queue=queue, passive=True)
        channel.close()
    return int(ready) + (1 if queue in worker.held else 0)

"""Applies the status callbacks the webhook stored, in batches, on a thread of the sending
worker's process (decision 14): a batch page shows "delivered" within about a second."""

from __future__ import annotations

from collections.abc import Callable
from threading import Event, Thread

from services.messaging.service_layer.statuses import apply_stored
from services.messaging.service_layer.unit_of_work import MessagingUnitOfWork
from shared.logs import get_logger

log = get_logger(__name__)
BATCH = 500
IDLE_WAIT = 0.2  # seconds between looks when nothing is waiting


def apply_until_stopped(
    new_uow: Callable[[], MessagingUnitOfWork], stop: Event, batch: int = BATCH
) -> None:
    while not stop.is_set():
        try:
            taken = apply_stored(new_uow(), batch)
        except Exception:  # database away: keep the thread, try again shortly
            log.exception("status_apply_failed")
            stop.wait(1.0)
            continue
        if taken < batch:
            stop.wait(IDLE_WAIT)


def start_applier(new_uow: Callable[[], MessagingUnitOfWork], stop: Event) -> Thread:
    thread = Thread(target=apply_until_stopped, args=(new_uow, stop), name="status-applier")
    thread.start()
    return thread

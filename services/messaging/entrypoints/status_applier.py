"""Applies the status callbacks the webhook stored, in batches, on a thread of the sending
worker's process (decision 14): a batch page shows "delivered" within about a second."""

from __future__ import annotations

from collections.abc import Callable
from threading import Event, Thread

from services.messaging.service_layer import statuses
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
            try:
                taken = statuses.apply_stored(new_uow(), batch)
            except Exception:
                log.exception("status_apply_failed", batch=batch)
                taken = _one_by_one(new_uow, batch)
        except Exception:  # database away: keep the thread, try again shortly
            log.exception("status_apply_failed")
            stop.wait(1.0)
            continue
        if taken < batch:
            stop.wait(IDLE_WAIT)


def _one_by_one(new_uow: Callable[[], MessagingUnitOfWork], batch: int) -> int:
    """A batch failed: apply its callbacks one at a time, so that one failing every time
    is set aside and the others are applied. If the database is away, this raises too."""
    ids = statuses.stored_ids(new_uow(), batch)
    for event_id in ids:
        try:
            statuses.apply_stored(new_uow(), 1, only=event_id)
        except Exception:
            log.exception("status_callback_set_aside", status_event_id=event_id)
            statuses.set_aside(new_uow(), event_id)
    return len(ids)


def start_applier(new_uow: Callable[[], MessagingUnitOfWork], stop: Event) -> Thread:
    thread = Thread(target=apply_until_stopped, args=(new_uow, stop), name="status-applier")
    thread.start()
    return thread

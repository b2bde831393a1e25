"""The sending worker's applier thread, on PostgreSQL and on SQLite (the local run): stored
status callbacks are applied in arrival order, only forward, in batches, until stopped."""

from __future__ import annotations

import uuid
from threading import Event
from typing import Any

import pytest
from sqlalchemy import select

from services.messaging.adapters.orm import status_events
from services.messaging.entrypoints.status_applier import start_applier
from services.messaging.service_layer import statuses
from services.messaging.service_layer.statuses import StatusCallback, store_statuses
from shared.runtime import Runtime
from tests.integration.messaging.both_databases import on_both_databases  # noqa: F401
from tests.integration.messaging.conftest import uow
from tests.integration.messaging.test_invitation_chunks import a_contact, texts_of
from tests.integration.messaging.test_reminders import a_sent_batch
from tests.support.waiting import eventually

pytestmark = pytest.mark.integration


def stored(runtime: Runtime) -> list[tuple[str, bool | None]]:
    with runtime.engine.connect() as conn:
        query = select(status_events.c.status, status_events.c.applied)
        return [tuple(row) for row in conn.execute(query.order_by(status_events.c.id))]


def run_applier_until_all_applied(runtime: Runtime) -> None:
    """The sending worker's applier thread, until nothing is left to apply; then stopped."""
    stop = Event()
    thread = start_applier(lambda: uow(runtime), stop)
    try:
        eventually(
            lambda: all(a is not None for _, a in stored(runtime)),
            10,
            "every stored callback applied or set aside",
            every=0.05,
        )
    finally:
        stop.set()
        thread.join(timeout=5)
    assert not thread.is_alive(), "the applier stops when told"


def test_the_applier_applies_what_was_stored_and_stops_when_told(runtime: Runtime) -> None:
    people = [a_contact(runtime) for _ in range(3)]
    a_sent_batch(runtime, people)
    texts = [texts_of(runtime, p)[0] for p in people]
    unknown = uuid.uuid4()
    arriving = [
        *(StatusCallback(t.id, t.provider_sid, "delivered", None) for t in texts),
        *(StatusCallback(t.id, t.provider_sid, "sent", None) for t in texts),  # too late
        StatusCallback(unknown, "SMunknown", "delivered", None),
    ]
    store_statuses(uow(runtime), arriving)
    assert [applied for _, applied in stored(runtime)] == [None] * len(arriving)

    run_applier_until_all_applied(runtime)
    assert stored(runtime) == [
        *[("delivered", True)] * 3,
        *[("sent", False)] * 3,
        ("delivered", False),
    ]
    assert {texts_of(runtime, p)[0].status for p in people} == {"delivered"}


def test_a_callback_that_always_fails_is_set_aside_and_the_others_are_applied(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    people = [a_contact(runtime) for _ in range(3)]
    a_sent_batch(runtime, people)
    texts = [texts_of(runtime, p)[0] for p in people]
    poison = texts[1].id
    real_apply = statuses._apply

    def failing_on_poison(work: Any, callbacks: Any) -> list[bool]:
        if any(c.message_id == poison for c in callbacks):
            raise RuntimeError("this callback breaks every time")
        return real_apply(work, callbacks)

    monkeypatch.setattr(statuses, "_apply", failing_on_poison)
    store_statuses(
        uow(runtime), [StatusCallback(t.id, t.provider_sid, "delivered", None) for t in texts]
    )

    run_applier_until_all_applied(runtime)

    assert stored(runtime) == [("delivered", True), ("delivered", False), ("delivered", True)]
    assert [texts_of(runtime, p)[0].status for p in people] == [
        "delivered",
        "accepted",
        "delivered",
    ]

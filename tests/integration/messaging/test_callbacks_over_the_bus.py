"""The consent page's "call me" button becomes a callback task, on RabbitMQ and PostgreSQL.

Messaging's own worker: a request for a patient messaging does not know yet is retried
until the registry's registration lands; a redelivered event makes no second task; a
second request joins the open task (decision 28).
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from services.messaging.adapters.orm import platform
from services.messaging.bootstrap import build_runtime
from services.messaging.domain.callbacks import CallbackTask
from services.messaging.domain.filters import CallbackFilter
from services.messaging.service_layer.unit_of_work import SqlMessagingUnitOfWork
from shared.bus.publisher import BatchPublisher
from shared.bus.worker import BusWorker
from shared.events import Event, encode, new_event
from shared.runtime import Runtime
from tests.support import servers, settings
from tests.support.retries import retries_waiting
from tests.support.waiting import eventually

pytestmark = pytest.mark.integration


@pytest.fixture
def messaging(rabbitmq_url: str, tmp_path: Path) -> Iterator[Runtime]:
    with servers.fresh_postgres_database("messaging") as url:
        bus = replace(settings.bus_settings(rabbitmq_url, tmp_path), retry_delays=(0.2, 1.0, 5.0))
        runtime = build_runtime(settings.messaging(url, bus))
        runtime.migrate()
        try:
            yield runtime
        finally:
            with runtime.connect() as conn:
                servers.delete_bus(conn, runtime.topology)
            runtime.engine.dispose()


def _publish(runtime: Runtime, *events: Event) -> None:
    with runtime.connect() as conn:
        BatchPublisher(conn, runtime.topology).publish([(e.type, encode(e)) for e in events])


def _tasks(runtime: Runtime, participant_id: uuid.UUID) -> list[CallbackTask]:
    uow = runtime.uow_factory()
    assert isinstance(uow, SqlMessagingUnitOfWork)
    with uow:
        found = [
            *uow.callbacks.listed(CallbackFilter()),
            *uow.callbacks.listed(CallbackFilter(state="closed")),
        ]
        return [t for t in found if t.participant_id == participant_id]


def _outbox_types(runtime: Runtime) -> list[str]:
    with runtime.engine.connect() as conn:
        return [row[0] for row in conn.execute(select(platform.outbox.c.type))]


def _run_worker(runtime: Runtime) -> tuple[BusWorker, threading.Thread]:
    worker = runtime.worker()
    thread = threading.Thread(target=worker.run, daemon=True)
    thread.start()
    return worker, thread


def _registered(participant_id: uuid.UUID, language: str) -> Event:
    data: dict[str, Any] = {
        "participant_id": participant_id,
        "practice_ods": "M85001",
        "mobile": "+447400123456",
        "textable": True,
        "language": language,
        "sex": None,
        "age_band": None,
        "ethnic_category": None,
        "imd_decile": None,
        "imd_edition": None,
        "dob_hash": None,
    }
    return new_event("registry.participant.registered", data, "registry")


def _call_me(participant_id: uuid.UUID, trial_id: uuid.UUID, language: str) -> Event:
    data = {
        "participant_id": participant_id,
        "trial_id": trial_id,
        "language": language,
        "form_languages": ["en"],
        "interpreter": True,
    }
    return new_event("consent.callback.requested", data, "consent")


def test_a_call_me_before_the_patient_is_known_is_retried_then_opens_one_task(
    messaging: Runtime,
) -> None:
    participant_id, trial_id = uuid.uuid4(), uuid.uuid4()
    request = _call_me(participant_id, trial_id, "syl")
    worker, thread = _run_worker(messaging)
    try:
        _publish(messaging, request)
        second_retry = worker.queues.retries[1].name
        eventually(
            lambda: retries_waiting(messaging, worker, second_retry) == 1, 10, "a second retry"
        )
        assert _tasks(messaging, participant_id) == []

        _publish(messaging, _registered(participant_id, "syl"))
        eventually(lambda: len(_tasks(messaging, participant_id)) == 1, 20, "the late task")
    finally:
        worker.should_stop = True
        thread.join(timeout=30)

    [task] = _tasks(messaging, participant_id)
    assert (task.trial_id, task.language, task.interpreter_needed) == (trial_id, "syl", True)
    assert (task.sources, task.requests, task.state) == ("consent_page", 1, "unassigned")
    assert _outbox_types(messaging).count("messaging.callback.opened") == 1


def test_a_redelivered_request_makes_no_second_task_and_a_new_one_joins_the_open_task(
    messaging: Runtime,
) -> None:
    participant_id, trial_id = uuid.uuid4(), uuid.uuid4()
    request = _call_me(participant_id, trial_id, "en")
    worker, thread = _run_worker(messaging)
    try:
        _publish(messaging, _registered(participant_id, "en"))
        _publish(messaging, request, request)  # the same event twice: handled once
        eventually(lambda: len(_tasks(messaging, participant_id)) == 1, 20, "the task")
        _publish(messaging, _call_me(participant_id, trial_id, "en"))  # the patient asks again
        eventually(
            lambda: [t.requests for t in _tasks(messaging, participant_id)] == [2],
            20,
            "the second request joining the first",
        )
    finally:
        worker.should_stop = True
        thread.join(timeout=30)

    assert len(_tasks(messaging, participant_id)) == 1
    assert _outbox_types(messaging).count("messaging.callback.opened") == 1

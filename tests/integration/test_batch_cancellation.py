"""A cancelled batch returns its unsent patients to "not invited" in the registry and
consent, over the real bus: three services, each on its own PostgreSQL database, their
outbox relays and workers on one RabbitMQ namespace of this test's own."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from services.consent.bootstrap import build_runtime as build_consent
from services.consent.domain.audit import first_broken
from services.messaging.bootstrap import build_runtime as build_messaging
from services.messaging.service_layer import batches
from services.registry.adapters.orm import trial_statuses
from services.registry.bootstrap import build_runtime as build_registry
from services.registry.service_layer import cohorts, invitations, practices, trials
from services.registry.service_layer.participants import ParticipantDetails, register_participant
from shared.auth.principal import Principal
from shared.bus import dead_letters
from shared.bus.worker import BusWorker
from shared.events import Event
from shared.runtime import Runtime
from tests.integration.api.conftest import serial
from tests.support import servers, settings
from tests.support.api import eventually
from tests.support.factories import patient

pytestmark = pytest.mark.integration

ODS = "M85001"
ADMIN = Principal(uuid.uuid4(), "test admin", "admin")
STAFF = Principal(uuid.uuid4(), "test staff", "staff", practices=frozenset({ODS}))


@dataclass
class System:
    registry: Runtime
    messaging: Runtime
    consent: Runtime
    workers: list[tuple[BusWorker, threading.Thread]] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def uow(self, runtime: Runtime) -> Any:
        return runtime.uow_factory()

    def registry_statuses(self, trial_id: uuid.UUID) -> dict[uuid.UUID, str]:
        ts = trial_statuses
        query = select(ts.c.participant_id, ts.c.status).where(ts.c.trial_id == trial_id)
        with self.registry.engine.connect() as conn:
            return {row[0]: row[1] for row in conn.execute(query)}

    def consent_statuses(self, trial_id: uuid.UUID) -> dict[uuid.UUID, str]:
        with self.uow(self.consent) as uow:
            found = {}
            for pid in self.registry_statuses(trial_id):
                record = uow.records.record(pid, trial_id)
                if record is not None:
                    found[pid] = record.status
            return found

    def held(self, batch_id: uuid.UUID) -> int:
        with self.uow(self.messaging) as uow:
            return len(uow.batches.batch_message_ids(batch_id, "held"))

    def dead(self, runtime: Runtime) -> list[dead_letters.DeadLetter]:
        with runtime.connect() as conn:
            return dead_letters.list_dead_letters(conn, runtime.topology, runtime.settings.service)


def _relay_loop(runtime: Runtime, stop: threading.Event) -> None:
    relay = runtime.relay()
    try:
        while not stop.is_set():
            if relay.run_once() == 0:
                stop.wait(0.02)
    finally:
        relay.close()


@pytest.fixture
def system(rabbitmq_url: str, postgres_url: str, tmp_path: Path) -> Iterator[System]:
    builds: dict[str, tuple[Callable[..., Any], Callable[[Any], Runtime]]] = {
        "registry": (settings.registry, build_registry),
        "messaging": (settings.messaging, build_messaging),
        "consent": (settings.consent, build_consent),
    }
    with (
        servers.rabbitmq_namespace("cancel", retry_delays=(0.1, 0.2, 0.4)) as namespace,
        servers.fresh_postgres_database("cancel_r") as registry_db,
        servers.fresh_postgres_database("cancel_m") as messaging_db,
        servers.fresh_postgres_database("cancel_c") as consent_db,
    ):
        bus = settings.bus_settings(rabbitmq_url, tmp_path, namespace)
        urls = {"registry": registry_db, "messaging": messaging_db, "consent": consent_db}
        runtimes = {}
        for name, (make_settings, build) in builds.items():
            runtimes[name] = build(make_settings(urls[name], bus))
            runtimes[name].migrate()
        built = System(runtimes["registry"], runtimes["messaging"], runtimes["consent"])
        with built.registry.connect() as conn:
            built.registry.topology.declare(conn.channel())
        threads = []
        for runtime in runtimes.values():
            worker = runtime.worker()
            thread = threading.Thread(target=worker.run, daemon=True)
            thread.start()
            built.workers.append((worker, thread))
            relay = threading.Thread(target=_relay_loop, args=(runtime, built.stop), daemon=True)
            relay.start()
            threads.append(relay)
        try:
            yield built
        finally:
            built.stop.set()
            for worker, _ in built.workers:
                worker.should_stop = True
            for _, thread in built.workers:
                thread.join(timeout=30)
            for thread in threads:
                thread.join(timeout=30)
            for runtime in runtimes.values():
                runtime.engine.dispose()


def a_patient(system: System) -> uuid.UUID:
    details = ParticipantDetails(**patient(ODS))
    participant, _ = register_participant(
        system.uow(system.registry), ADMIN, details, settings.DOB_KEY
    )
    return participant.id


def invite_everyone(system: System, trial_id: uuid.UUID, expected: int) -> uuid.UUID:
    cohort = cohorts.create_cohort(system.uow(system.registry), STAFF, trial_id, ODS, "All", {})
    assert cohorts.preview(system.uow(system.registry), STAFF, cohort.id).count == expected
    outcome = invitations.request_invitations(
        system.uow(system.registry),
        STAFF,
        invitations.WholeCohort(cohort.id, expected),
        settings.DOB_KEY,
    )
    return outcome.batch_id


def test_a_cancelled_batch_returns_its_patients_who_can_then_be_invited_again(
    system: System,
) -> None:
    practices.create_practice(system.uow(system.registry), ODS, "Practice")
    trial = trials.create_trial(system.uow(system.registry), f"C-{serial()}", "Heart", "Uni", 28)
    people = {a_patient(system) for _ in range(3)}
    batch_id = invite_everyone(system, trial.id, expected=3)
    eventually(lambda: system.held(batch_id) == 3, what="the batch held in messaging")
    eventually(
        lambda: system.consent_statuses(trial.id) == dict.fromkeys(people, "invited"),
        what="consent's invited records",
    )

    batches.cancel(system.uow(system.messaging), STAFF, batch_id)

    eventually(
        lambda: system.registry_statuses(trial.id) == dict.fromkeys(people, "not_invited"),
        what="the registry returning them",
    )
    eventually(
        lambda: system.consent_statuses(trial.id) == dict.fromkeys(people, "not_invited"),
        what="consent returning them",
    )
    with system.uow(system.consent) as uow:
        for pid in people:
            record = uow.records.record(pid, trial.id)
            history = list(uow.audit.history(record.id))
            # Appended, never deleted: the chain still verifies to the record's head.
            assert [e.to_status for e in history] == ["invited", "not_invited"]
            assert first_broken(history, (record.last_seq, record.last_hash)) is None
            assert history[-1].reason == "the batch was cancelled before the invitation was sent"
    with system.uow(system.consent) as uow:
        assert uow.reporting.status_counts(trial.id).get("invited", 0) == 0

    again = invite_everyone(system, trial.id, expected=3)  # counted 0 before the fix

    eventually(lambda: system.held(again) == 3, what="the new batch in messaging")
    eventually(
        lambda: system.consent_statuses(trial.id) == dict.fromkeys(people, "invited"),
        what="consent inviting them again",
    )
    assert system.registry_statuses(trial.id) == dict.fromkeys(people, "invited")
    assert system.dead(system.registry) == [] and system.dead(system.consent) == []


def test_a_cancellation_consent_cannot_apply_is_retried_then_dead_lettered(
    system: System,
) -> None:
    """Consent has no record for these people (their invitations never reached it): the
    handler raises, the bus retries, and the event ends in consent's dead letters."""
    with system.uow(system.messaging) as uow:
        event = uow.publish(
            "messaging.batch.cancelled",
            {
                "batch_id": uuid.uuid4(),
                "trial_id": uuid.uuid4(),
                "practice_ods": ODS,
                "participant_ids": [uuid.uuid4()],
            },
        )
        uow.commit()

    dead = eventually(lambda: system.dead(system.consent), what="consent's dead letter")
    assert [d.event_id for d in dead] == [str(event.id)]
    registry_dead = eventually(lambda: system.dead(system.registry), what="registry's")
    assert [d.event_id for d in registry_dead] == [str(event.id)]  # no such trial there


def test_handling_the_same_cancellation_twice_changes_nothing_the_second_time(
    system: System,
) -> None:
    from services.consent.entrypoints.handlers import HANDLERS as CONSENT
    from services.registry.entrypoints.handlers import HANDLERS as REGISTRY

    practices.create_practice(system.uow(system.registry), ODS, "Practice")
    trial = trials.create_trial(system.uow(system.registry), f"C-{serial()}", "Heart", "Uni", 28)
    person = a_patient(system)
    batch_id = invite_everyone(system, trial.id, expected=1)
    eventually(lambda: system.consent_statuses(trial.id) == {person: "invited"}, what="invited")
    for worker, _ in system.workers:
        worker.should_stop = True  # from here on the handlers are called directly
    data = {"batch_id": batch_id, "trial_id": trial.id, "practice_ods": ODS}
    cancelled = Event(
        type="messaging.batch.cancelled",
        producer="messaging",
        data={**data, "participant_ids": [person]},
    )

    for _ in range(2):
        REGISTRY["messaging.batch.cancelled"](cancelled, system.uow(system.registry))
        CONSENT["messaging.batch.cancelled"](cancelled, system.uow(system.consent))

    assert system.registry_statuses(trial.id) == {person: "not_invited"}
    with system.uow(system.consent) as uow:
        record = uow.records.record(person, trial.id)
        assert record.status == "not_invited"
        assert [e.to_status for e in uow.audit.history(record.id)] == ["invited", "not_invited"]

"""A published form version texts its links in chunks on the real bus, one transaction each.

Consent's relay and worker on RabbitMQ and PostgreSQL: publishing seals the form and lists
who waits in chunk events; the worker sends each chunk's links; a record that moved on in
between is left alone, and a chunk delivered twice sends nothing twice.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import select

from services.consent.bootstrap import build_runtime
from services.consent.domain import lifecycle, reconsent
from services.consent.service_layer import forms, participants, records
from shared.auth.principal import Principal
from shared.bus.publisher import BatchPublisher
from shared.events import Event, decode
from shared.events.commands import ParticipantShared, TrialCreated
from shared.runtime import Runtime
from tests.support import servers, settings
from tests.support.factories import consent_form
from tests.support.waiting import eventually

pytestmark = pytest.mark.integration

ADMIN = Principal(token_id=uuid.uuid4(), name="admin", role="admin")
CHUNK = 20  # smaller than in production, so a few dozen patients make several chunks
WAITING = 2 * CHUNK + 5  # three chunks, the last a short one


@pytest.fixture
def consent(rabbitmq_url: str, tmp_path: Path) -> Iterator[Runtime]:
    with servers.fresh_postgres_database("consent") as url:
        bus = replace(settings.bus_settings(rabbitmq_url, tmp_path), retry_delays=(0.2, 1.0))
        runtime = build_runtime(settings.consent(url, bus))
        runtime.migrate()
        try:
            yield runtime
        finally:
            with runtime.connect() as conn:
                servers.delete_bus(conn, runtime.topology)
            runtime.engine.dispose()


def _waiting_patients(runtime: Runtime, trial_id: uuid.UUID, count: int) -> list[uuid.UUID]:
    """Patients who said YES before the trial had a form: they wait for a link."""
    ids = [uuid.uuid4() for _ in range(count)]
    for participant_id in ids:
        participants.save_participant(
            runtime.uow_factory(),
            ParticipantShared(
                participant_id=participant_id,
                practice_ods="M85001",
                mobile=None,
                textable=True,
                language="en",
                sex="female",
                age_band="50-59",
                ethnic_category="H",
                imd_decile=3,
                imd_edition=2019,
            ),
        )
    records.record_invitations(runtime.uow_factory(), trial_id, ids, "M85001")
    for participant_id in ids:
        records.record_reply(runtime.uow_factory(), participant_id, trial_id, "yes")
    return ids


def _payloads(runtime: Runtime, type_: str) -> list[str]:
    table = runtime.tables.outbox
    with runtime.engine.connect() as conn:
        payloads = conn.scalars(select(table.c.payload).order_by(table.c.id)).all()
    return [payload for payload in payloads if decode(payload).type == type_]


def _outbox(runtime: Runtime, type_: str) -> list[Event]:
    return [decode(payload) for payload in _payloads(runtime, type_)]


def _statuses(runtime: Runtime, trial_id: uuid.UUID, ids: list[uuid.UUID]) -> dict[str, int]:
    counts: dict[str, int] = {}
    with runtime.uow_factory() as uow:
        for participant_id in ids:
            record = uow.records.record(participant_id, trial_id)
            counts[record.status] = counts.get(record.status, 0) + 1
    return counts


def test_publishing_sends_the_waiting_their_links_in_chunks_once_each(
    consent: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reconsent, "LINK_CHUNK", CHUNK)
    trial_id = uuid.uuid4()
    participants.save_trial(
        consent.uow_factory(),
        TrialCreated(trial_id=trial_id, short_name="T", title="T", response_deadline_days=28),
    )
    ids = _waiting_patients(consent, trial_id, WAITING)
    draft = forms.create_draft(consent.uow_factory(), ADMIN, trial_id, consent_form(("en",)))

    _, requested = forms.publish(consent.uow_factory(), ADMIN, trial_id, draft.version, "REC 1")

    chunks = _outbox(consent, forms.LINKS_REQUESTED)
    assert requested == WAITING
    assert [len(c.data["participant_ids"]) for c in chunks] == [CHUNK, CHUNK, 5]
    assert {c.data["chunks"] for c in chunks} == {3}
    assert _statuses(consent, trial_id, ids) == {lifecycle.INTERESTED: WAITING}
    # One patient says NO between publication and their chunk: no link for them.
    records.record_reply(consent.uow_factory(), ids[-1], trial_id, "no")

    worker = consent.worker()
    thread = threading.Thread(target=worker.run, daemon=True)
    thread.start()
    try:
        relay = consent.relay()
        try:
            while relay.run_once():
                pass
        finally:
            relay.connection.release()
        eventually(
            lambda: _statuses(consent, trial_id, ids).get(lifecycle.LINK_SENT) == WAITING - 1,
            60,
            "every waiting patient's link",
        )
        # The first chunk again, as a redelivery would bring it: handled already, so nothing.
        with consent.connect() as conn:
            BatchPublisher(conn, consent.topology).publish(
                [(forms.LINKS_REQUESTED, _payloads(consent, forms.LINKS_REQUESTED)[0])]
            )
        handled_before = len(_outbox(consent, "consent.notification.requested"))
        eventually(lambda: worker.handled >= 4, 30, "the redelivered chunk read")
    finally:
        worker.should_stop = True
        thread.join(timeout=30)

    links = [e.data["participant_id"] for e in _outbox(consent, "consent.notification.requested")]
    assert len(links) == handled_before == WAITING - 1
    assert sorted(map(str, links)) == sorted(map(str, ids[:-1]))
    assert _statuses(consent, trial_id, ids) == {
        lifecycle.LINK_SENT: WAITING - 1,
        lifecycle.DECLINED: 1,
    }

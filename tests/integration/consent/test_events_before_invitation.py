"""A reply or opt-out that overtakes its invitation on the real bus is retried, not dropped.

Consent's own worker, on RabbitMQ and PostgreSQL: the reply (and the opt-out) arrive while
consent has no record; once the invitation lands, the retried events take effect once.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from services.consent.bootstrap import build_runtime
from services.consent.domain import lifecycle
from shared.auth.principal import hash_token
from shared.auth.store import TokenNotYetKnown, on_token_issued, on_token_revoked
from shared.bus.publisher import BatchPublisher
from shared.bus.worker import BusWorker
from shared.events import encode, new_event
from shared.runtime import Runtime
from tests.support import servers, settings
from tests.support.retries import retries_waiting
from tests.support.waiting import eventually

pytestmark = pytest.mark.integration

TOKEN = "a-token-whose-revocation-overtook-it"


@pytest.fixture
def consent(rabbitmq_url: str, tmp_path: Path) -> Iterator[Runtime]:
    with servers.fresh_postgres_database("consent") as url:
        # Retries after 0.2, 1 and 5 s: the invitation lands between the first two.
        bus = replace(settings.bus_settings(rabbitmq_url, tmp_path), retry_delays=(0.2, 1.0, 5.0))
        runtime = build_runtime(settings.consent(url, bus))
        runtime.migrate()
        try:
            yield runtime
        finally:
            with runtime.connect() as conn:
                servers.delete_bus(conn, runtime.topology)
            runtime.engine.dispose()


def _publish(runtime: Runtime, producer: str, type_: str, data: dict[str, Any]) -> None:
    """Put an event on the exchange as another service's relay would."""
    with runtime.connect() as conn:
        BatchPublisher(conn, runtime.topology).publish(
            [(type_, encode(new_event(type_, data, producer)))]
        )


def _status(runtime: Runtime, participant_id: uuid.UUID, trial_id: uuid.UUID) -> str | None:
    with runtime.uow_factory() as uow:
        record = uow.records.record(participant_id, trial_id)
        return None if record is None else str(record.status)


def _run_worker(runtime: Runtime) -> tuple[BusWorker, threading.Thread]:
    worker = runtime.worker()
    thread = threading.Thread(target=worker.run, daemon=True)
    thread.start()
    return worker, thread


def test_replies_and_an_opt_out_before_their_invitation_are_applied_once_it_arrives(
    consent: Runtime,
) -> None:
    trial_id = uuid.uuid4()
    declines, stops = uuid.uuid4(), uuid.uuid4()
    worker, thread = _run_worker(consent)
    try:
        _publish(
            consent,
            "messaging",
            "messaging.reply.received",
            {
                "reply_id": uuid.uuid4(),
                "participant_id": declines,
                "trial_id": trial_id,
                "intent": "no",
                "language": "en",
            },
        )
        _publish(
            consent,
            "messaging",
            "messaging.participant.opted_out",
            {"participant_id": stops, "source": "sms"},
        )
        # Both tried, and retried once, with no record to apply to: each waits its second retry.
        second_retry = worker.queues.retries[1].name
        eventually(
            lambda: retries_waiting(consent, worker, second_retry) == 2, 10, "two second retries"
        )
        assert _status(consent, declines, trial_id) is None

        _publish(
            consent,
            "registry",
            "registry.invitations.requested",
            {
                "batch_id": uuid.uuid4(),
                "trial_id": trial_id,
                "practice_ods": "M85001",
                "chunk": 0,
                "chunks": 1,
                "participant_ids": [declines, stops],
            },
        )
        eventually(
            lambda: _status(consent, declines, trial_id) == lifecycle.DECLINED, 20, "the late NO"
        )
        eventually(
            lambda: _status(consent, stops, trial_id) == lifecycle.OPTED_OUT, 20, "the late STOP"
        )
    finally:
        worker.should_stop = True
        thread.join(timeout=30)

    with consent.uow_factory() as uow:
        number = uow.records.record(declines, trial_id).study_number
        history = uow.records.record_with_history(number, trial_id)
    assert [entry.to_status for entry in history[2]] == [lifecycle.INVITED, lifecycle.DECLINED]


def test_a_token_revocation_before_its_issue_is_retried_not_skipped(consent: Runtime) -> None:
    token_id = uuid.uuid4()
    revoked = new_event(
        "registry.token.revoked",
        {"token_id": token_id, "revoked_at": datetime.now(UTC)},
        "registry",
    )
    issued = new_event(
        "registry.token.issued",
        {
            "token_id": token_id,
            "token_hash": hash_token(TOKEN),
            "name": "late",
            "role": "admin",
            "practices": [],
            "trials": [],
            "created_at": datetime.now(UTC),
            "expires_at": None,
        },
        "registry",
    )

    with pytest.raises(TokenNotYetKnown):
        on_token_revoked(revoked, consent.uow_factory())
    on_token_issued(issued, consent.uow_factory())
    on_token_revoked(revoked, consent.uow_factory())

    assert consent.token_store().principal_for(TOKEN) is None

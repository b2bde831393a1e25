"""Consent's handlers on the fake: each event, encoded and decoded as the bus does, loads
as its typed command and reaches its use case."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from services.consent.domain import lifecycle
from services.consent.entrypoints.handlers import HANDLERS
from tests.support.fakes.base import deliver as on_the_bus
from tests.support.fakes.consent import FakeConsentUnitOfWork

PRACTICE = "M85001"


def deliver(uow: FakeConsentUnitOfWork, type_: str, data: dict[str, Any]) -> None:
    on_the_bus(HANDLERS, uow, type_, data)


def test_invited_then_a_yes_then_the_batch_cancelled_elsewhere() -> None:
    uow = FakeConsentUnitOfWork()
    trial, batch = uuid.uuid4(), uuid.uuid4()
    yes, quiet = uuid.uuid4(), uuid.uuid4()
    invitation = {"batch_id": batch, "trial_id": trial, "practice_ods": PRACTICE}

    deliver(
        uow,
        "registry.invitations.requested",
        {**invitation, "chunk": 0, "chunks": 1, "participant_ids": [yes, quiet]},
    )
    deliver(
        uow,
        "messaging.reply.received",
        {
            "reply_id": uuid.uuid4(),
            "participant_id": yes,
            "trial_id": trial,
            "intent": "yes",
            "language": "en",
        },
    )
    deliver(uow, "messaging.batch.cancelled", {**invitation, "participant_ids": [yes, quiet]})

    statuses = {r.participant_id: r.status for r in uow.store.records.values()}
    assert statuses == {yes: lifecycle.INTERESTED, quiet: lifecycle.NOT_INVITED}


def test_a_newer_population_count_replaces_an_older_one_never_the_reverse() -> None:
    uow = FakeConsentUnitOfWork()
    trial, now = uuid.uuid4(), datetime.now(UTC)

    def counted(at: datetime, n: int) -> dict[str, Any]:
        return {
            "population": "eligible",
            "practice_ods": PRACTICE,
            "trial_id": trial,
            "counted_at": at,
            "counts": {"sex": {"female": n}},
        }

    deliver(uow, "registry.population.counted", counted(now, 5))
    deliver(uow, "registry.population.counted", counted(now - timedelta(hours=1), 9))

    assert uow.reporting.populations("eligible", trial, [PRACTICE]) == {
        PRACTICE: {"sex": {"female": 5}}
    }


def test_a_trial_is_kept_with_its_deadline() -> None:
    uow = FakeConsentUnitOfWork()
    trial = uuid.uuid4()

    deliver(
        uow,
        "registry.trial.created",
        {
            "trial_id": trial,
            "short_name": "HEART",
            "title": "The heart study",
            "response_deadline_days": 21,
            "languages": ["en", "ur"],
        },
    )

    found = uow.trials.trial(trial)
    assert found is not None and found.response_deadline_days == 21

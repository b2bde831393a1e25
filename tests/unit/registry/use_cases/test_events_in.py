"""The registry's handlers on the fake: each event, encoded and decoded as the bus does,
loads as its typed command and reaches its use case."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from services.registry.entrypoints.handlers import HANDLERS
from services.registry.service_layer.statuses import StatusOutOfOrder
from shared.events import MalformedEvent, decode, encode, new_event
from tests.support.fakes.base import deliver
from tests.support.fakes.registry_world import PRACTICE, a_patient, a_registry, a_trial, with_status


def changed(
    patient: uuid.UUID, trial: uuid.UUID, previous: str | None, status: str
) -> dict[str, Any]:
    return {
        "participant_id": patient,
        "trial_id": trial,
        "status": status,
        "previous_status": previous,
        "form_version": None,
    }


def test_consent_statuses_are_kept_in_order_and_one_out_of_order_is_retried() -> None:
    uow = a_registry()
    trial, patient = a_trial(uow), a_patient(uow)
    with_status(uow, patient, trial, "invited")

    deliver(
        HANDLERS,
        uow,
        "consent.status.changed",
        changed(patient.id, trial.id, "invited", "interested"),
    )
    with pytest.raises(StatusOutOfOrder):
        deliver(
            HANDLERS,
            uow,
            "consent.status.changed",
            changed(patient.id, trial.id, "link_sent", "consented"),
        )

    found = uow.registry.trial_status(patient.id, trial.id)
    assert found is not None and found.status == "interested"


def test_a_cancelled_batch_returns_the_uninvited() -> None:
    uow = a_registry()
    trial, waiting, answered = a_trial(uow), a_patient(uow), a_patient(uow)
    with_status(uow, waiting, trial, "invited")
    with_status(uow, answered, trial, "declined")

    deliver(
        HANDLERS,
        uow,
        "messaging.batch.cancelled",
        {
            "batch_id": uuid.uuid4(),
            "trial_id": trial.id,
            "practice_ods": PRACTICE,
            "participant_ids": [waiting.id, answered.id],
        },
    )

    assert uow.store.statuses_of(waiting.id)[trial.id] == "not_invited"
    assert uow.store.statuses_of(answered.id)[trial.id] == "declined"


def test_stop_and_start_follow_the_number() -> None:
    uow = a_registry()
    patient = a_patient(uow)
    same_phone = a_patient(uow, number=patient.mobile)

    deliver(
        HANDLERS,
        uow,
        "messaging.participant.opted_out",
        {"participant_id": patient.id, "source": "sms"},
    )
    stopped = (patient.opted_out, same_phone.opted_out)
    deliver(
        HANDLERS,
        uow,
        "messaging.participant.opted_in",
        {"participant_id": patient.id, "source": "sms"},
    )

    assert stopped == (True, True)
    assert (patient.opted_out, same_phone.opted_out) == (False, False)


def test_a_handler_refuses_another_events_data() -> None:
    uow = a_registry()
    event = decode(
        encode(
            new_event(
                "messaging.participant.opted_in",
                {"participant_id": uuid.uuid4(), "source": "sms"},
                "test",
            )
        )
    )

    with pytest.raises(MalformedEvent):
        HANDLERS["messaging.participant.opted_out"](event, uow)

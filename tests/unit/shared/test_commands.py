"""Typed commands match their marshmallow contracts and load from decoded events."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import UTC, datetime

import pytest

from shared.events import MalformedEvent, decode, encode, new_event
from shared.events.commands import (
    COMMANDS,
    BatchCancelled,
    Command,
    ParticipantShared,
    PopulationCounted,
)
from shared.events.contracts import CONTRACTS


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c.EVENT)
def test_a_command_names_its_contracts_fields_and_every_required_one(
    command: type[Command],
) -> None:
    contract = CONTRACTS[command.EVENT]
    names = {f.name for f in dataclasses.fields(command)}
    required = {name for name, field in contract.fields.items() if field.required}

    assert names <= set(contract.fields)
    assert required <= names


def test_a_decoded_event_loads_as_its_command_with_tuples_for_lists() -> None:
    ids = [uuid.uuid4(), uuid.uuid4()]
    expected = BatchCancelled(uuid.uuid4(), uuid.uuid4(), "M85001", tuple(ids))
    data = {**dataclasses.asdict(expected), "participant_ids": ids}
    event = decode(encode(new_event("messaging.batch.cancelled", data, "messaging")))

    command = BatchCancelled.of(event)

    assert command == expected
    with pytest.raises(dataclasses.FrozenInstanceError):
        command.practice_ods = "Y00001"  # type: ignore[misc]


def test_a_command_refuses_another_events_data() -> None:
    counted = new_event(
        "registry.population.counted",
        {
            "population": "practice_list",
            "practice_ods": "M85001",
            "trial_id": None,
            "counted_at": datetime.now(UTC),
            "counts": {"sex": {"female": 3}},
        },
        "registry",
    )

    assert PopulationCounted.of(decode(encode(counted))).counts == {"sex": {"female": 3}}
    with pytest.raises(MalformedEvent):
        BatchCancelled.of(decode(encode(counted)))


@pytest.mark.parametrize("command", [c for c in COMMANDS if c.ALSO], ids=lambda c: c.EVENT)
def test_a_command_of_several_events_has_one_contract_for_all(command: type[Command]) -> None:
    assert {type(CONTRACTS[e]) for e in (command.EVENT, *command.ALSO)} == {
        type(CONTRACTS[command.EVENT])
    }


def test_a_participant_registered_or_updated_loads_as_one_command() -> None:
    data = {
        "participant_id": uuid.uuid4(),
        "practice_ods": "M85001",
        "mobile": None,
        "textable": False,
        "language": "ur",
        "sex": None,
        "age_band": "50-59",
        "ethnic_category": None,
        "imd_decile": None,
        "imd_edition": None,
        "dob_hash": None,
    }
    for type_ in ("registry.participant.registered", "registry.participant.updated"):
        shared = ParticipantShared.of(decode(encode(new_event(type_, data, "registry"))))
        assert (shared.language, shared.age_band, shared.postal) == ("ur", "50-59", False)

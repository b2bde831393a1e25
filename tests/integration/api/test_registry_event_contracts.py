"""The registry's events, exactly as it writes them, handled by messaging and consent.

Producer and consumers share the contracts in shared/events/contracts.py; these tests show
they also agree in practice: every event the registry's use cases write decodes as a
consumer decodes it, the consumers' real handlers accept it on PostgreSQL, and what they
keep is what the design allows them to keep.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from typing import Any

import pytest

from services.consent.entrypoints.handlers import HANDLERS as CONSENT_HANDLERS
from services.messaging.entrypoints.handlers import HANDLERS as MESSAGING_HANDLERS
from services.registry.service_layer import cohorts, invitations, participants, practices, trials
from shared.auth.principal import Principal
from shared.events import Event, decode
from shared.events.contracts import CONTRACTS
from tests.integration.api.conftest import Service, nhs_number, serial

pytestmark = pytest.mark.integration

ADMIN = Principal(uuid.uuid4(), "seed", "admin")


def deliver(
    events: list[Event], service: Service, handlers: Mapping[str, Callable[..., None]]
) -> None:
    for event in events:
        handler = handlers.get(event.type)
        if handler is not None:
            handler(event, service.uow())


def registry_events(service: Service, since: int) -> list[Event]:
    # decode() is what every consumer's worker runs on the bytes it receives.
    return [decode(payload) for payload in service.outbox_payloads()[since:]]


@pytest.fixture
def invited(registry_service: Service) -> tuple[uuid.UUID, uuid.UUID, str]:
    """A practice, a trial and one participant invited through a cohort."""
    ods = f"C{serial():05d}"
    practices.create_practice(registry_service.uow(), ods, "Contract practice")
    trial = trials.create_trial(
        registry_service.uow(), f"CT-{serial()}", "Contract trial", "Uni", 21, ["ur", "en"]
    )
    details = participants.ParticipantDetails(
        practice_ods=ods,
        nhs_number=nhs_number(),
        given_name="Zainab",
        family_name="Qureshi",
        date_of_birth="1958-12-25",
        language="Urdu",
        mobile="07400 555123",
        sex="female",
        ethnic_category="J",
        imd_decile=2,
        imd_edition=2019,
    )
    person, _ = participants.register_participant(
        registry_service.uow(), ADMIN, details, registry_service.settings.dob_hash_key
    )
    cohort = cohorts.create_cohort(registry_service.uow(), ADMIN, trial.id, ods, "All", {})
    invitations.request_invitations(
        registry_service.uow(),
        ADMIN,
        invitations.WholeCohort(cohort.id),
        registry_service.settings.dob_hash_key,
    )
    return person.id, trial.id, details.nhs_number


def test_invitation_events_are_accepted_by_messaging_and_consent(
    registry_service: Service,
    messaging_service: Service,
    consent_service: Service,
    invited: tuple[uuid.UUID, uuid.UUID, str],
) -> None:
    participant_id, trial_id, number = invited
    events = registry_events(registry_service, 0)
    mine = [
        e.type
        for e in events
        if e.data.get("participant_id") == participant_id
        or participant_id in e.data.get("participant_ids", [])
    ]
    assert mine == ["registry.participant.registered", "registry.invitations.requested"]

    deliver(events, messaging_service, MESSAGING_HANDLERS)
    deliver(events, consent_service, CONSENT_HANDLERS)

    with messaging_service.uow() as uow:
        contact = uow.contacts.contact(participant_id)
        assert (contact.mobile, contact.language, contact.textable) == ("+447400555123", "ur", True)
        [message] = uow.messages.messages_for(participant_id)
        assert (message.kind, message.trial_id) == ("invitation", trial_id)
    with consent_service.uow() as uow:
        bands = uow.participants.participant(participant_id)
        assert (bands.age_band, bands.ethnic_category, bands.imd_decile) == ("60-69", "J", 2)
        assert bands.dob_hash and len(bands.dob_hash) == 64
        assert [r.trial_id for r in uow.records.records_of(participant_id)] == [trial_id]

    for payload in registry_service.outbox_payloads():
        for secret in (number, "Zainab", "Qureshi", "1958-12-25"):
            assert secret not in payload


def test_a_correction_and_an_erasure_reach_both_consumers(
    registry_service: Service,
    messaging_service: Service,
    consent_service: Service,
    invited: tuple[uuid.UUID, uuid.UUID, str],
) -> None:
    participant_id, _, _ = invited
    deliver(registry_events(registry_service, 0), messaging_service, MESSAGING_HANDLERS)
    deliver(registry_events(registry_service, 0), consent_service, CONSENT_HANDLERS)
    since = len(registry_service.outbox_payloads())

    participants.correct_participant(
        registry_service.uow(),
        ADMIN,
        participant_id,
        participants.Correction(mobile="+447400555999", language="pa-Arab"),
        registry_service.settings.dob_hash_key,
    )
    participants.erase_participant(
        registry_service.uow(), ADMIN, participant_id, registry_service.settings.dob_hash_key
    )
    events = registry_events(registry_service, since)
    assert [e.type for e in events] == [
        "registry.participant.updated",
        "registry.participant.erased",
    ]

    deliver(events[:1], messaging_service, MESSAGING_HANDLERS)
    with messaging_service.uow() as uow:
        contact = uow.contacts.contact(participant_id)
        assert (contact.mobile, contact.language) == ("+447400555999", "pa-Arab")
    deliver(events[1:], messaging_service, MESSAGING_HANDLERS)
    deliver(events, consent_service, CONSENT_HANDLERS)
    with messaging_service.uow() as uow:
        contact = uow.contacts.contact(participant_id)
        assert (contact.erased, contact.mobile) == (True, None)
        assert all(m.to == "" for m in uow.messages.messages_for(participant_id))
    with consent_service.uow() as uow:
        bands = uow.participants.participant(participant_id)
        assert (bands.erased, bands.dob_hash, bands.age_band) == (True, None, None)


def test_every_registry_event_carries_exactly_its_contracts_fields(
    registry_service: Service, invited: tuple[uuid.UUID, uuid.UUID, str]
) -> None:
    events = registry_events(registry_service, 0)
    seen: dict[str, dict[str, Any]] = {}
    for event in events:
        contract = CONTRACTS[event.type]
        declared = {f.data_key or name for name, f in contract.fields.items()}
        required = {f.data_key or name for name, f in contract.fields.items() if f.required}
        assert required <= set(event.data) <= declared, event.type
        seen[event.type] = event.data
    assert {
        "registry.trial.created",
        "registry.participant.registered",
        "registry.invitations.requested",
    } <= set(seen)
    trial = seen["registry.trial.created"]
    assert trial["languages"] == ["ur", "en"]
    assert not {"window_start", "window_end", "sending_days"} & set(trial), "messaging owns those"

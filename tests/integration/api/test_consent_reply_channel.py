"""Consent's audit chain names the channel a patient answered by: a WhatsApp YES is recorded
as WhatsApp, as the reply event says (decision 30)."""

from __future__ import annotations

import uuid

import pytest

from services.consent.entrypoints.handlers import HANDLERS
from services.consent.service_layer import participants as consent_participants
from services.consent.service_layer import records as consent_records
from shared.events import new_event
from shared.events.commands import ParticipantShared
from tests.integration.api.conftest import ODS_A, World

pytestmark = pytest.mark.integration


def test_a_whatsapp_yes_is_audited_as_whatsapp(consent_world: World) -> None:
    service = consent_world.service
    person = uuid.uuid4()
    consent_participants.save_participant(
        service.uow(),
        ParticipantShared(
            participant_id=person,
            practice_ods=ODS_A,
            mobile=None,
            textable=True,
            language="en",
        ),
    )
    consent_records.record_invitations(service.uow(), consent_world.trial_y, [person])
    event = new_event(
        "messaging.reply.received",
        {
            "reply_id": uuid.uuid4(),
            "participant_id": person,
            "trial_id": consent_world.trial_y,
            "intent": "yes",
            "language": "en",
            "channel": "whatsapp",
        },
        "messaging",
    )
    HANDLERS["messaging.reply.received"](event, service.uow())
    with service.uow() as uow:
        record = uow.records.record(person, consent_world.trial_y)
        assert record is not None and record.status == "interested"
        entries = [(e.to_status, e.channel) for e in uow.audit.history(record.id)]
    assert ("interested", "whatsapp") in entries

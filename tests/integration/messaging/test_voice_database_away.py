"""A call's status callbacks, answers and key presses while the database is away (decisions 16 and
27): held on the bus (RabbitMQ, confirmed), then stored once when it is back, like a text's."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from services.messaging.adapters.orm import inbound_messages, messages, status_events
from services.messaging.adapters.webhook_hold import WebhookHold
from services.messaging.config import MessagingSettings
from services.messaging.domain.model import PRIORITY_BULK, Message
from services.messaging.entrypoints.api.webhooks import HOLD
from services.messaging.entrypoints.provider_reconciler import ProviderReconciler
from services.messaging.service_layer import contacts
from shared.events.commands import ParticipantShared
from shared.runtime import Runtime
from tests.integration.messaging.test_database_away import (
    NoHistory,
    app_without_database,
    bus,
    database,
    signed_post,
    working,
)

pytestmark = pytest.mark.integration
__all__ = ["bus", "database", "working"]  # the fixtures, used by name


def test_call_status_callbacks_are_held_and_stored_once_when_the_database_is_back(
    working: tuple[MessagingSettings, Runtime],
) -> None:
    service_settings, runtime = working
    app = app_without_database(service_settings)
    base = service_settings.public_base_url
    message_id = uuid.uuid4()
    path = f"/webhooks/twilio/calls/{message_id}/status"
    sid = f"CA{uuid.uuid4().hex}"
    answers = [
        signed_post(app, base, path, {"CallSid": sid, "CallStatus": status})
        for status in ("ringing", "no-answer")
    ]
    assert [a.status_code for a in answers] == [204, 204]
    app.extensions[HOLD].close()

    reconciler = ProviderReconciler(
        service_settings,
        runtime.uow_factory,
        runtime.check_database,
        NoHistory(),
        WebhookHold(service_settings.common.bus),
    )
    reconciler.run_once()
    reconciler.run_once()  # nothing left: each held request was taken once
    reconciler.hold.close()
    with runtime.engine.connect() as conn:
        stored = conn.execute(
            select(status_events.c.status, status_events.c.provider_sid).where(
                status_events.c.message_id == message_id
            )
        ).all()
    assert sorted(stored) == [("no-answer", sid), ("ringing", sid)]


def _voice_call(runtime: Runtime, number: str) -> tuple[uuid.UUID, Message]:
    participant = uuid.uuid4()
    contacts.save_contact(
        runtime.uow_factory(),
        ParticipantShared(
            participant_id=participant,
            practice_ods="M85001",
            mobile=number,
            textable=True,
            language="syl",
        ),
    )
    call = Message(
        participant_id=participant,
        to=number,
        body="invitation",
        kind="invitation",
        priority=PRIORITY_BULK,
        channel="voice",
        status="in-progress",
        provider_sid=f"CA{uuid.uuid4().hex}",
    )
    with runtime.uow_factory() as uow:
        uow.messages.add(call)
        uow.commit()
    return participant, call


def _store_held(service_settings: MessagingSettings, runtime: Runtime) -> None:
    reconciler = ProviderReconciler(
        service_settings,
        runtime.uow_factory,
        runtime.check_database,
        NoHistory(),
        WebhookHold(service_settings.common.bus),
    )
    reconciler.run_once()
    reconciler.run_once()  # taken once
    reconciler.hold.close()


def test_a_call_answered_while_the_database_is_away_ends_and_is_marked_to_ring_again(
    working: tuple[MessagingSettings, Runtime],
) -> None:
    service_settings, runtime = working
    _, call = _voice_call(runtime, "+447700900778")
    app = app_without_database(service_settings)
    path = f"/webhooks/twilio/calls/{call.id}/twiml"
    form = {"CallSid": str(call.provider_sid), "AnsweredBy": "human"}

    answer = signed_post(app, service_settings.public_base_url, path, form)

    # Not Twilio's own error message, in English: the call just ends.
    assert answer.status_code == 200 and b"<Hangup" in answer.data
    app.extensions[HOLD].close()
    _store_held(service_settings, runtime)
    with runtime.engine.connect() as conn:
        answered_by = conn.execute(
            select(messages.c.answered_by).where(messages.c.id == call.id)
        ).scalar_one()
    assert answered_by == "unplayed"  # so its "completed" status rings it again


def test_a_key_press_while_the_database_is_away_is_held_then_read_as_the_reply(
    working: tuple[MessagingSettings, Runtime],
) -> None:
    service_settings, runtime = working
    participant, call = _voice_call(runtime, "+447700900777")
    app = app_without_database(service_settings)
    path = f"/webhooks/twilio/calls/{call.id}/gather"
    form = {"CallSid": str(call.provider_sid), "Digits": "1", "From": "+447700900000"}

    answer = signed_post(app, service_settings.public_base_url, path, form)

    assert answer.status_code == 200 and b"<Hangup" in answer.data  # the call ends politely
    app.extensions[HOLD].close()
    _store_held(service_settings, runtime)
    with runtime.engine.connect() as conn:
        stored = conn.execute(
            select(inbound_messages.c.intent, inbound_messages.c.channel).where(
                inbound_messages.c.participant_id == participant
            )
        ).all()
    assert stored == [("yes", "voice")]

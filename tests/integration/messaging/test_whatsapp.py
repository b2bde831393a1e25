"""WhatsApp end to end below the browser: PostgreSQL built by migrations, the messaging app
and the fake Twilio server each on a real port, the real twilio SDK in the sender. An
invitation as an approved content template, a free-form acknowledgement inside the 24-hour
session window and nothing outside it, and a WhatsApp STOP that stops texts too
(decision 30)."""

from __future__ import annotations

import dataclasses
import json
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from sqlalchemy import delete, select, update
from werkzeug.serving import make_server

from services.fake_twilio import create_app as create_fake_twilio
from services.fake_twilio.settings import FakeTwilioSettings
from services.messaging import create_app as create_messaging
from services.messaging.adapters.orm import inbound_messages, messages
from services.messaging.bootstrap import build_reconciler, build_runtime, build_sender
from services.messaging.domain.model import PRIORITY_REPLY, Message
from services.messaging.domain.windows import ALWAYS
from services.messaging.entrypoints.sender import Sender
from services.messaging.service_layer import batches, contacts, invitations, whatsapp
from shared.auth.principal import Principal
from shared.events.commands import InvitationsRequested, ParticipantShared, TrialCreated
from shared.runtime import Runtime
from tests.support import settings as test_settings
from tests.support.processes import free_port
from tests.support.settings import TWILIO_SID, TWILIO_TOKEN
from tests.support.waiting import eventually

pytestmark = pytest.mark.integration
SERVICE = "+447700900000"
SID = "HX" + "d" * 32
APPROVED_TEXT = "{{1}}: a study of heart rhythm. Would you take part? Reply YES or NO"
ADMIN = Principal(uuid.uuid4(), "test admin", "admin")
STAFF = Principal(uuid.uuid4(), "test staff", "staff", frozenset({"M85001"}))


@contextmanager
def serving_on(app: Any, port: int) -> Iterator[str]:
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.shutdown()
        thread.join(5)


@dataclass
class World:
    runtime: Runtime
    sender: Sender
    twilio: str  # the fake Twilio server's URL

    def uow(self) -> Any:
        return self.runtime.uow_factory()

    def log(self, number: str) -> list[dict[str, Any]]:
        answer = requests.get(f"{self.twilio}/_fake/messages", params={"to": number}, timeout=5)
        answer.raise_for_status()
        return list(answer.json())

    def reply(self, number: str, body: str) -> dict[str, Any]:
        answer = requests.post(
            f"{self.twilio}/_fake/inbound", json={"from": number, "body": body}, timeout=10
        )
        answer.raise_for_status()
        return dict(answer.json())

    def send_all(self) -> None:
        for _ in range(3):
            self.sender.run_once()
        self.sender.record_finished(block=2.0)


@pytest.fixture
def world(fresh_database: str, bus_dir: Path) -> Iterator[World]:
    messaging_port, twilio_port = free_port(), free_port()
    fake = create_fake_twilio(
        FakeTwilioSettings(
            port=twilio_port,
            account_sid=TWILIO_SID,
            auth_token=TWILIO_TOKEN,
            phone_number=SERVICE,
            inbound_url=f"http://127.0.0.1:{messaging_port}/webhooks/twilio/inbound",
            status_delay=0.05,
        )
    )
    with serving_on(fake, twilio_port) as twilio_url:
        config = dataclasses.replace(
            test_settings.messaging(
                fresh_database, test_settings.bus_settings("filesystem://", bus_dir), twilio_url
            ),
            public_base_url=f"http://127.0.0.1:{messaging_port}",
            default_window=ALWAYS,
        )
        runtime = build_runtime(config)
        runtime.migrate()
        app = create_messaging(config)
        with serving_on(app, messaging_port):
            sender = build_sender(config, build_runtime(config))
            try:
                yield World(runtime, sender, twilio_url)
            finally:
                sender.close()
                sender.runtime.engine.dispose()
                runtime.engine.dispose()


def invited_on_whatsapp(world: World, mobile: str) -> tuple[uuid.UUID, uuid.UUID]:
    """A patient who prefers WhatsApp and agreed to it, invited with the approved template."""
    trial_id, batch_id, person = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    contacts.save_trial(
        world.uow(), TrialCreated(trial_id=trial_id, short_name="AF-SCREEN", title="Heart rhythm")
    )
    contacts.save_contact(
        world.uow(),
        ParticipantShared(
            participant_id=person,
            practice_ods="M85001",
            mobile=mobile,
            textable=True,
            language="en",
            preferred_channel="whatsapp",
        ),
    )
    whatsapp.record_opt_in(world.uow(), STAFF, person, "in_person")
    whatsapp.save_template(
        world.uow(), "admin", "invitation", "en", SID, APPROVED_TEXT, ["short_name"], "approved"
    )
    requests.post(
        f"{world.twilio}/_fake/whatsapp/templates",
        json={"sid": SID, "body": APPROVED_TEXT},
        timeout=5,
    ).raise_for_status()
    invitations.queue_invitations(
        world.uow(),
        InvitationsRequested(
            batch_id=batch_id,
            trial_id=trial_id,
            practice_ods="M85001",
            chunk=0,
            chunks=1,
            participant_ids=(person,),
        ),
    )
    batches.approve(world.uow(), ADMIN, batch_id, send_at=None, allow_unreviewed=True)
    world.send_all()
    return person, trial_id


def rows(world: World, person: uuid.UUID) -> list[Any]:
    with world.runtime.engine.connect() as conn:
        query = select(messages).where(messages.c.participant_id == person)
        return list(conn.execute(query.order_by(messages.c.created_at)))


def test_a_first_message_is_the_approved_content_template(world: World) -> None:
    person, _ = invited_on_whatsapp(world, "+447700900201")
    [sent] = eventually(lambda: world.log("whatsapp:+447700900201") or None)
    assert sent["to"] == "whatsapp:+447700900201"
    assert sent["from"] == "whatsapp:" + SERVICE
    assert sent["content_sid"] == SID
    # The fake renders the template it knows with the variables the SDK sent.
    assert (
        sent["body"] == "AF-SCREEN: a study of heart rhythm. Would you take part? Reply YES or NO"
    )
    [row] = rows(world, person)
    assert (row.channel, row.content_sid, row.provider_sid) == ("whatsapp", SID, sent["sid"])
    assert world.log("+447700900201") == []  # no text to the plain number


def test_a_reply_opens_the_session_window_for_a_free_form_answer_and_it_closes(
    world: World,
) -> None:
    person, trial_id = invited_on_whatsapp(world, "+447700900202")
    answer = world.reply("whatsapp:+447700900202", "Yes please")
    assert answer["webhook_status"] == 200
    with world.runtime.engine.connect() as conn:
        [reply] = list(conn.execute(select(inbound_messages)))
    assert (reply.channel, reply.from_number, reply.intent) == ("whatsapp", "+447700900202", "yes")
    world.send_all()
    thread = eventually(lambda: (t := world.log("whatsapp:+447700900202")) and len(t) >= 3 and t)
    ack = thread[-1]
    assert ack["direction"] == "outbound-api" and ack["content_sid"] is None  # free-form
    assert ack["to"] == "whatsapp:+447700900202"
    # A day later the window is shut: a free-form message with no approved template for its
    # kind fails with the reason and never reaches Twilio.
    with world.runtime.engine.begin() as conn:
        conn.execute(
            update(inbound_messages).values(
                received_at=inbound_messages.c.received_at - timedelta(hours=25)
            )
        )
    with world.uow() as uow:
        late = Message(
            person,
            "+447700900202",
            "Thank you",
            "yes_ack",
            PRIORITY_REPLY,
            trial_id,
            channel="whatsapp",
            language="en",
        )
        uow.messages.add(late)
        uow.commit()
    world.send_all()
    [row] = [r for r in rows(world, person) if r.id == late.id]
    assert (row.status, row.error) == ("failed", whatsapp.OUTSIDE_SESSION)
    assert len(world.log("whatsapp:+447700900202")) == len(thread)


def test_stop_on_whatsapp_stops_the_number_for_texts_too(world: World) -> None:
    person, trial_id = invited_on_whatsapp(world, "+447700900203")
    world.reply("whatsapp:+447700900203", "STOP")
    world.send_all()
    thread = eventually(lambda: (t := world.log("whatsapp:+447700900203")) and len(t) >= 3 and t)
    assert thread[-1]["direction"] == "outbound-api"  # the one confirmation, on WhatsApp
    with world.runtime.engine.connect() as conn:
        outbox = world.runtime.tables.outbox
        payloads = [json.loads(p) for p in conn.scalars(select(outbox.c.payload))]
    [opted_out] = [p for p in payloads if p["type"] == "messaging.participant.opted_out"]
    assert opted_out["data"]["channel"] == "whatsapp"  # consent counts it there (issue 17)
    # A text to the same number is not sent: STOP belongs to the number (decision 20).
    with world.uow() as uow:
        text = Message(person, "+447700900203", "A reminder", "reminder", 2, trial_id)
        uow.messages.add(text)
        uow.commit()
    world.send_all()
    [row] = [r for r in rows(world, person) if r.id == text.id]
    assert row.status == "suppressed"
    assert world.log("+447700900203") == []


def test_a_whatsapp_reply_the_webhook_missed_is_found_in_twilios_record(world: World) -> None:
    invited_on_whatsapp(world, "+447700900204")
    sent = world.reply("whatsapp:+447700900204", "yes")
    assert sent["to"] == "whatsapp:" + SERVICE
    with world.runtime.engine.begin() as conn:  # as if the webhook never reached us
        conn.execute(delete(inbound_messages))
    config = dataclasses.replace(world.sender.settings, inbound_lookback_seconds=3600)
    reconciler = build_reconciler(config, world.runtime)
    reconciler.reconcile()
    with world.runtime.engine.connect() as conn:
        [found] = list(conn.execute(select(inbound_messages)))
    assert (found.provider_sid, found.channel, found.from_number, found.to_number) == (
        sent["sid"],
        "whatsapp",
        "+447700900204",
        SERVICE,
    )

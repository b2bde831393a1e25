"""PostgreSQL stopped while patients reply and Twilio calls back (issue 13, item 3).

Messaging runs as its processes (gunicorn web, sender, worker, relay) on a PostgreSQL of
the test's own, which is stopped for OUTAGE seconds while replies (some of them STOP) and
status callbacks arrive through the real webhook, signed by the fake Twilio server. Then,
with the database back, the web process is killed for a moment: replies and callbacks in
that gap never reach us, and only reconciliation with Twilio's API can find them.
Afterwards every reply is stored and acted on exactly once and every text has its final
status (decision 16)."""

from __future__ import annotations

import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import requests
from sqlalchemy import Engine, create_engine, func, select

from services.messaging.adapters.orm import inbound_messages, messages, suppressions
from services.messaging.bootstrap import build_runtime
from services.messaging.service_layer import batches, contacts, invitations
from shared.auth.principal import Principal
from shared.events.commands import InvitationsRequested, ParticipantShared, TrialCreated
from tests.support import servers, settings
from tests.support.private_postgres import PrivatePostgres, private_postgres
from tests.support.processes import (
    ARTIFACTS,
    Processes,
    free_port,
    processes,
    run_cli,
    wait_until_healthy,
)
from tests.support.waiting import eventually

pytestmark = pytest.mark.e2e
PATIENTS = 24
OUTAGE = 10.0  # seconds PostgreSQL is down (the report's outage was 30 s)
WEB_DOWN = 6.0  # seconds the web process is gone after the database is back
SENDER_NUMBER = "+447700900000"
ADMIN = Principal(token_id=uuid.uuid4(), name="outage test", role="admin")


@dataclass
class Messaging:
    env: dict[str, str]
    procs: Processes
    database: PrivatePostgres
    engine: Engine
    url: str
    twilio: str
    port: int

    def start_web(self) -> None:
        self.procs.start(
            "messaging-web",
            [
                sys.executable,
                "-m",
                "gunicorn",
                "-c",
                "deploy/gunicorn.conf.py",
                "-b",
                f"127.0.0.1:{self.port}",
                "-w",
                "1",
                "services.messaging:create_app()",
            ],
        )
        wait_until_healthy(f"{self.url}/healthz", self.procs)

    def reply(self, number: str, body: str) -> dict[str, Any]:
        response = requests.post(
            f"{self.twilio}/_fake/inbound", json={"from": number, "body": body}, timeout=30
        )
        response.raise_for_status()
        entry: dict[str, Any] = response.json()
        return entry


@pytest.fixture
def messaging(rabbitmq_url: str, tmp_path: Any) -> Iterator[Messaging]:
    ports = {"messaging": free_port(), "twilio": free_port()}
    urls = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
    log_dir = ARTIFACTS / "e2e" / "database-outage"
    with (
        private_postgres() as database,
        servers.rabbitmq_namespace("outage", (0.5, 1.0, 2.0)) as namespace,
    ):
        database_url = database.create_database("messaging")
        env = {
            "LOG_FORMAT": "json",
            "LOG_LEVEL": "INFO",
            "BROKER_URL": rabbitmq_url,
            "BUS_NAMESPACE": namespace,
            "BUS_RETRY_DELAYS": "0.5,1,2",
            "BUS_DATA_DIR": str(tmp_path / "bus"),
            "TRIALREACH_VAR_DIR": str(tmp_path / "var"),
            "MESSAGING_DATABASE_URL": database_url,
            "MESSAGING_PUBLIC_BASE_URL": urls["messaging"],
            "TWILIO_ACCOUNT_SID": settings.TWILIO_SID,
            "TWILIO_AUTH_TOKEN": settings.TWILIO_TOKEN,
            "TWILIO_FROM_NUMBER": SENDER_NUMBER,
            "TWILIO_API_BASE_URL": urls["twilio"],
            "SEND_RECONCILE_AFTER": "5",
            "SEND_CONNECT_TIMEOUT": "1",  # the calls end well before reconciliation may look
            "SEND_READ_TIMEOUT": "2",
            "SEND_WINDOW": "always",
            "PROVIDER_RECONCILE_EVERY": "3",
            "STATUS_RECONCILE_AFTER": "3",
            "FAKE_TWILIO_PORT": str(ports["twilio"]),
            "FAKE_TWILIO_ACCOUNT_SID": settings.TWILIO_SID,
            "FAKE_TWILIO_AUTH_TOKEN": settings.TWILIO_TOKEN,
            "FAKE_TWILIO_PHONE_NUMBER": SENDER_NUMBER,
            "FAKE_TWILIO_INBOUND_URL": f"{urls['messaging']}/webhooks/twilio/inbound",
            # Each status a second after the last: callbacks go on arriving in the outage.
            "FAKE_TWILIO_STATUS_DELAY": "1.0",
        }
        run_cli(["services.messaging", "migrate"], env)
        engine = create_engine(database_url, pool_pre_ping=True)
        with processes(env, log_dir) as procs:
            system = Messaging(
                env, procs, database, engine, urls["messaging"], urls["twilio"], ports["messaging"]
            )
            procs.start("twilio", [sys.executable, "-m", "services.fake_twilio"])
            wait_until_healthy(f"{urls['twilio']}/_fake/messages", procs)
            system.start_web()
            for name in ("worker", "relay", "sender"):
                procs.start(f"messaging-{name}", [sys.executable, "-m", "services.messaging", name])
            yield system
        engine.dispose()


def invite(env: dict[str, str], bus_dir: Any, count: int) -> list[str]:
    """`count` patients with their own phones, invited in one approved batch."""
    runtime = build_runtime(
        settings.messaging(env["MESSAGING_DATABASE_URL"], settings.bus_settings("x", bus_dir))
    )
    trial_id, batch_id = uuid.uuid4(), uuid.uuid4()
    contacts.save_trial(
        runtime.uow_factory(),
        TrialCreated(trial_id=trial_id, short_name="HEART", title="A heart study"),
    )
    people, numbers = [], []
    for n in range(count):
        person, number = uuid.uuid4(), f"+4474{90000000 + n:08d}"
        contacts.save_contact(
            runtime.uow_factory(),
            ParticipantShared(
                participant_id=person,
                practice_ods="M85001",
                mobile=number,
                textable=True,
                language="en",
            ),
        )
        people.append(person)
        numbers.append(number)
    invitations.queue_invitations(
        runtime.uow_factory(),
        InvitationsRequested(
            batch_id=batch_id,
            trial_id=trial_id,
            practice_ods="M85001",
            chunk=0,
            chunks=1,
            participant_ids=tuple(people),
        ),
    )
    batches.approve(
        runtime.uow_factory(),
        ADMIN,
        batch_id,
        send_at=None,
        allow_unreviewed=True,
    )
    runtime.engine.dispose()
    return numbers


def wait_for(check: Callable[[], bool], timeout: float, what: str) -> None:
    """`eventually`, taking an error as "not yet": the database may still be coming back."""

    def holds() -> bool:
        try:
            return check()
        except Exception:
            return False

    eventually(holds, timeout, what, every=0.5)


def count(engine: Engine, query: Any) -> int:
    with engine.connect() as conn:
        return int(conn.execute(query).scalar_one())


def test_replies_and_statuses_survive_a_database_outage_and_a_lost_webhook(
    messaging: Messaging, tmp_path: Any
) -> None:
    numbers = invite(messaging.env, tmp_path / "setup-bus", PATIENTS)
    engine = messaging.engine
    in_outage, while_web_down = numbers[:18], numbers[18:]
    taken = select(func.count()).where(
        messages.c.kind == "invitation", messages.c.provider_sid.is_not(None)
    )
    wait_for(lambda: count(engine, taken) == PATIENTS, 60, "every invitation with Twilio")

    # PostgreSQL stops: replies and the invitations' callbacks arrive through the webhook.
    messaging.database.stop()
    stopped = time.monotonic()
    bodies = {n: ("STOP" if i % 3 == 0 else "Yes please") for i, n in enumerate(numbers)}
    answers = [messaging.reply(n, bodies[n]) for n in in_outage]
    time.sleep(max(0.0, OUTAGE - (time.monotonic() - stopped)))
    messaging.database.start()

    # The web process is gone for a moment: replies and callbacks never reach us.
    messaging.procs.kill("messaging-web")
    answers += [messaging.reply(n, bodies[n]) for n in while_web_down]
    time.sleep(WEB_DOWN)
    messaging.start_web()

    sids = {a["sid"] for a in answers}
    assert len(sids) == PATIENTS
    held = [a["webhook_status"] for a in answers[: len(in_outage)]]
    assert held == [200] * len(in_outage), "during the outage replies are held, not refused"
    assert all(a["webhook_status"] is None for a in answers[len(in_outage) :])

    stored = select(func.count(func.distinct(inbound_messages.c.provider_sid))).where(
        inbound_messages.c.provider_sid.in_(sids)
    )
    wait_for(lambda: count(engine, stored) == PATIENTS, 90, "every reply stored")
    stops = [n for n in numbers if bodies[n] == "STOP"]
    suppressed = select(func.count()).where(suppressions.c.mobile.in_(stops))
    acks = select(func.count()).where(messages.c.kind.in_(("stop_ack", "yes_ack")))
    wait_for(lambda: count(engine, acks) == PATIENTS, 60, "every reply acknowledged")
    unfinished = select(func.count()).where(messages.c.status != "delivered")
    wait_for(lambda: count(engine, unfinished) == 0, 90, "every text's final status")

    with engine.connect() as conn:
        rows = conn.execute(
            select(inbound_messages.c.provider_sid, inbound_messages.c.intent).where(
                inbound_messages.c.provider_sid.in_(sids)
            )
        ).all()
        ack_kinds = conn.execute(
            select(messages.c.to, messages.c.kind).where(messages.c.kind.like("%_ack"))
        ).all()
    assert len(rows) == PATIENTS  # stored once each
    by_sid = {a["sid"]: a["from"] for a in answers}
    assert {by_sid[r.provider_sid]: r.intent for r in rows} == {
        n: ("stop" if bodies[n] == "STOP" else "yes") for n in numbers
    }
    assert count(engine, suppressed) == len(stops)
    assert sorted(ack_kinds) == sorted(
        (n, "stop_ack" if bodies[n] == "STOP" else "yes_ack") for n in numbers
    )  # acted on once each
    messaging.procs.check_alive()

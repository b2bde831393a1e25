"""While the database is away: webhooks are held on the bus (RabbitMQ, confirmed) and
stored once when it is back; APIs answer 503 with Retry-After; with the bus away too, the
webhook answers 503 so that Twilio calls the fallback URL (decision 16)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select
from twilio.request_validator import RequestValidator

from services.consent import create_app as create_consent_app
from services.messaging import create_app as create_messaging_app
from services.messaging.adapters.orm import inbound_messages, status_events, suppressions
from services.messaging.adapters.webhook_hold import WebhookHold
from services.messaging.bootstrap import build_runtime
from services.messaging.config import MessagingSettings
from services.messaging.entrypoints.api.webhooks import EMPTY_TWIML, HOLD
from services.messaging.entrypoints.provider_reconciler import ProviderReconciler
from services.registry import create_app as create_registry_app
from shared.http.problems import PROBLEM_JSON
from shared.runtime import Runtime
from tests.support import servers, settings

pytestmark = pytest.mark.integration
# Nothing listens on port 1: every connection is refused at once, as when PostgreSQL is down.
DATABASE_AWAY = "postgresql+psycopg://postgres@127.0.0.1:1/trialreach"
BUS_AWAY = "amqp://guest:guest@127.0.0.1:1//"
INBOUND = "/webhooks/twilio/inbound"


class NoHistory:
    """Twilio's API with nothing to add: these tests are about the held requests."""

    def inbound_since(self, since: Any, to: Any) -> list[Any]:
        return []

    def status_of(self, provider_sid: str) -> None:
        return None


@pytest.fixture
def bus(rabbitmq_url: str, tmp_path: Path) -> Iterator[Any]:
    with servers.rabbitmq_namespace("held") as namespace:
        bus = settings.bus_settings(rabbitmq_url, tmp_path, namespace)
        yield bus  # the namespace's cleanup deletes the held queue too


@pytest.fixture
def database(postgres_url: str) -> Iterator[str]:
    with servers.fresh_postgres_database("held") as url:
        yield url


@pytest.fixture
def working(database: str, bus: Any) -> Iterator[tuple[MessagingSettings, Runtime]]:
    service_settings = settings.messaging(database, bus)
    runtime = build_runtime(service_settings)
    runtime.migrate()
    yield service_settings, runtime
    runtime.engine.dispose()


def app_without_database(service_settings: MessagingSettings) -> Flask:
    common = replace(service_settings.common, database_url=DATABASE_AWAY)
    return create_messaging_app(replace(service_settings, common=common))


def signed_post(app: Flask, base: str, path: str, params: dict[str, str]) -> Any:
    signature = RequestValidator(settings.TWILIO_TOKEN).compute_signature(base + path, params)
    return app.test_client().post(path, data=params, headers={"X-Twilio-Signature": signature})


def reply(sid: str, number: str, body: str) -> dict[str, str]:
    return {"MessageSid": sid, "From": number, "To": "+447700900000", "Body": body}


def test_replies_and_statuses_are_held_on_the_bus_and_stored_once_when_the_database_is_back(
    working: tuple[MessagingSettings, Runtime],
) -> None:
    service_settings, runtime = working
    app = app_without_database(service_settings)
    base = service_settings.public_base_url
    number = f"+4474{uuid.uuid4().int % 10**8:08d}"
    stop_sid, yes_sid = f"SM{uuid.uuid4().hex}", f"SM{uuid.uuid4().hex}"
    message_id = uuid.uuid4()
    status_path = f"/webhooks/twilio/status/{message_id}"

    answers = [
        signed_post(app, base, INBOUND, reply(stop_sid, number, "STOP")),
        signed_post(app, base, INBOUND, reply(stop_sid, number, "STOP")),  # Twilio again
        signed_post(app, base, INBOUND, reply(yes_sid, number, "yes")),
        signed_post(app, base, status_path, {"MessageSid": "SMx1", "MessageStatus": "delivered"}),
    ]
    assert [a.status_code for a in answers] == [200, 200, 200, 204]
    assert answers[0].get_data(as_text=True) == EMPTY_TWIML
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
            select(inbound_messages.c.provider_sid, inbound_messages.c.intent).where(
                inbound_messages.c.from_number == number
            )
        ).all()
        suppressed = conn.execute(
            select(suppressions.c.mobile).where(suppressions.c.mobile == number)
        ).all()
        statuses = conn.execute(
            select(status_events.c.status).where(status_events.c.message_id == message_id)
        ).all()
    assert sorted(stored) == sorted([(stop_sid, "stop"), (yes_sid, "yes")])
    assert len(suppressed) == 1  # STOP acted on
    assert [s.status for s in statuses] == ["delivered"]


def test_a_webhook_answers_503_with_retry_after_when_neither_database_nor_bus_is_there(
    working: tuple[MessagingSettings, Runtime],
) -> None:
    service_settings, _ = working
    bus = replace(service_settings.common.bus, broker_url=BUS_AWAY)
    common = replace(service_settings.common, bus=bus)
    app = app_without_database(replace(service_settings, common=common))
    params = reply(f"SM{uuid.uuid4().hex}", "+447400000001", "YES")

    response = signed_post(app, service_settings.public_base_url, INBOUND, params)

    assert response.status_code == 503
    assert response.mimetype == PROBLEM_JSON
    assert int(response.headers["Retry-After"]) > 0
    assert response.get_json()["status"] == 503


@pytest.mark.parametrize(
    ("service", "path"),
    [
        ("registry", "/practices/M85001"),
        ("consent", f"/trials/{uuid.uuid4()}/forms"),
        ("messaging", "/templates"),
    ],
)
def test_an_api_answers_503_with_retry_after_while_its_database_is_away(
    service: str, path: str, tmp_path: Path
) -> None:
    bus = settings.bus_settings("filesystem://", tmp_path)
    make = {
        "registry": (settings.registry, create_registry_app),
        "consent": (settings.consent, create_consent_app),
        "messaging": (settings.messaging, create_messaging_app),
    }
    make_settings, create = make[service]
    app = create(make_settings(DATABASE_AWAY, bus))  # type: ignore[operator]

    response = app.test_client().get(path, headers={"Authorization": "Bearer some-token"})

    assert response.status_code == 503
    assert response.mimetype == PROBLEM_JSON
    assert response.headers["Retry-After"] == "30"
    assert response.get_json()["title"] == "Service unavailable"


def test_a_hold_whose_connection_the_broker_closed_reconnects_to_hold_the_next_request(
    bus: Any,
) -> None:
    hold = WebhookHold(bus)
    hold.put({"n": 1})
    assert hold._connection is not None
    hold._connection.close()  # as the broker does after missed heartbeats

    hold.put({"n": 2})

    taken: list[dict[str, Any]] = []
    consumer = WebhookHold(bus)
    assert consumer.take(taken.append) == 2
    assert sorted(t["n"] for t in taken) == [1, 2]
    hold.close()
    consumer.close()

"""Reconciliation with the provider's record, on PostgreSQL and on SQLite (the local run):
replies we never received are stored and acted on once; texts with no news get their
status from the provider, only forward; held webhook requests go back if storing fails
(decision 16)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update

from services.messaging.adapters.orm import inbound_messages, messages, suppressions
from services.messaging.adapters.webhook_hold import WebhookHold
from services.messaging.entrypoints.provider_reconciler import ProviderReconciler
from services.messaging.entrypoints.twilio_requests import is_duplicate
from services.messaging.service_layer import reconciliation
from services.messaging.service_layer.reconciliation import ProviderStatus
from services.messaging.service_layer.replies import InboundSms
from shared.runtime import Runtime
from tests.integration.messaging.both_databases import on_both_databases  # noqa: F401
from tests.integration.messaging.conftest import uow
from tests.integration.messaging.test_invitation_chunks import a_contact, texts_of
from tests.integration.messaging.test_reminders import a_sent_batch
from tests.integration.messaging.test_status_applier import run_applier_until_all_applied
from tests.support import settings

pytestmark = pytest.mark.integration
OUR_NUMBER = "+447700900000"


class FakeHistory:
    """The provider's record as the MessageHistory port gives it (the real adapter is
    tested against the fake Twilio server in tests/integration/test_fake_twilio.py)."""

    def __init__(self) -> None:
        self.inbound: list[tuple[datetime, InboundSms]] = []
        self.statuses: dict[str, ProviderStatus] = {}
        self.fetched: list[str] = []

    def inbound_since(self, since: datetime, to: str | None) -> list[InboundSms]:
        return [sms for when, sms in self.inbound if when >= since and to in (None, sms.to_number)]

    def status_of(self, provider_sid: str) -> ProviderStatus | None:
        self.fetched.append(provider_sid)
        return self.statuses.get(provider_sid)


def new_uow(runtime: Runtime) -> Any:
    return lambda: uow(runtime)


def test_replies_the_webhook_never_delivered_are_stored_and_acted_on_once(
    runtime: Runtime,
) -> None:
    history, now = FakeHistory(), datetime.now(UTC)
    mobile = "+447400555001"
    person = a_contact(runtime, mobile)
    a_sent_batch(runtime, [person])
    already = InboundSms(f"SM{uuid.uuid4().hex}", mobile, OUR_NUMBER, "yes")
    missed = InboundSms(f"SM{uuid.uuid4().hex}", mobile, OUR_NUMBER, "STOP")
    too_old = InboundSms(f"SM{uuid.uuid4().hex}", mobile, OUR_NUMBER, "no")
    history.inbound = [(now, already), (now, missed), (now - timedelta(days=3), too_old)]
    reconciliation.store_reply(new_uow(runtime), already, is_duplicate)  # by the webhook

    since = now - timedelta(days=2)
    first = reconciliation.reconcile_inbound(
        new_uow(runtime), history, since, OUR_NUMBER, is_duplicate
    )
    again = reconciliation.reconcile_inbound(
        new_uow(runtime), history, since, OUR_NUMBER, is_duplicate
    )

    assert (first, again) == (1, 0)
    with runtime.engine.connect() as conn:
        stored = conn.execute(
            select(inbound_messages.c.provider_sid, inbound_messages.c.intent)
        ).all()
        suppressed = conn.execute(select(suppressions.c.mobile)).scalars().all()
    assert sorted(stored) == sorted([(already.provider_sid, "yes"), (missed.provider_sid, "stop")])
    assert suppressed == [mobile]
    kinds = sorted(m.kind for m in texts_of(runtime, person))
    assert kinds == ["invitation", "stop_ack", "yes_ack"]  # each reply acknowledged once


def test_texts_with_no_news_get_the_providers_status_only_forward(runtime: Runtime) -> None:
    people = [a_contact(runtime) for _ in range(4)]
    a_sent_batch(runtime, people)
    quiet, fresh, behind, finished = (texts_of(runtime, p)[0] for p in people)
    an_hour_ago = datetime.now(UTC) - timedelta(hours=1)
    with runtime.engine.begin() as conn:
        for text, status in ((quiet, "sent"), (behind, "sent"), (finished, "delivered")):
            conn.execute(
                update(messages)
                .where(messages.c.id == text.id)
                .values(status=status, updated_at=an_hour_ago)
            )
    history = FakeHistory()
    history.statuses = {
        quiet.provider_sid: ProviderStatus("undelivered", "30003"),
        fresh.provider_sid: ProviderStatus("delivered", None),
        behind.provider_sid: ProviderStatus("queued", None),  # the provider is behind us
        finished.provider_sid: ProviderStatus("failed", "30008"),
    }
    now = datetime.now(UTC)

    found = reconciliation.reconcile_statuses(
        new_uow(runtime), history, now, timedelta(minutes=10), now - timedelta(days=2)
    )
    run_applier_until_all_applied(runtime)

    assert found == 1
    assert sorted(history.fetched) == sorted([quiet.provider_sid, behind.provider_sid])
    after = {p: texts_of(runtime, p)[0] for p in people}
    assert [after[p].status for p in people] == ["undelivered", "accepted", "sent", "delivered"]
    assert after[people[0]].error == "provider error 30003"


def test_a_held_request_that_cannot_be_stored_stays_held_on_the_local_bus(
    tmp_path: Path,
) -> None:
    bus = settings.bus_settings("filesystem://", tmp_path, f"held-{uuid.uuid4().hex[:8]}")
    WebhookHold(bus).put({"kind": "inbound", "n": 1})
    WebhookHold(bus).put({"kind": "inbound", "n": 2})

    def database_away(_: dict[str, Any]) -> None:
        raise ConnectionError("database away")

    with pytest.raises(ConnectionError):
        WebhookHold(bus).take(database_away)
    stored: list[dict[str, Any]] = []
    assert WebhookHold(bus).take(stored.append) == 2
    assert sorted(r["n"] for r in stored) == [1, 2]
    assert WebhookHold(bus).take(stored.append) == 0


class BusAway:
    """The held-webhook queue while RabbitMQ is away."""

    def take(self, handle: Any) -> int:
        raise ConnectionRefusedError(111, "Connection refused")

    def close(self) -> None:
        pass


def test_the_reconciler_still_reconciles_while_the_bus_is_away(runtime: Runtime) -> None:
    history = FakeHistory()
    missed = InboundSms(f"SM{uuid.uuid4().hex}", "+447400555002", OUR_NUMBER, "STOP")
    history.inbound = [(datetime.now(UTC), missed)]
    reconciler = ProviderReconciler(
        settings.messaging("unused://", settings.bus_settings("filesystem://", Path("unused"))),
        new_uow(runtime),
        runtime.check_database,
        history,
        BusAway(),  # type: ignore[arg-type]
    )

    reconciler.run_once()

    with runtime.engine.connect() as conn:
        stored = conn.execute(select(inbound_messages.c.provider_sid)).scalars().all()
    assert stored == [missed.provider_sid]

"""The sender placing calls (decision 27) on PostgreSQL, through the real twilio SDK
against a stand-in for Twilio's Calls API (tests/support/calls_stub.py): the URLs and
machine detection each call carries, a calls-a-second limit of its own shared by every
sender, one call in flight per patient, and a call whose answer was lost reconciled from
the Calls API instead of placed again."""

from __future__ import annotations

import dataclasses
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from services.messaging.adapters.orm import messages
from services.messaging.adapters.provider_metrics import ProviderMetrics
from services.messaging.bootstrap import build_runtime, build_sender
from services.messaging.domain.model import PRIORITY_BULK, Message
from services.messaging.entrypoints.sender import Sender
from services.messaging.service_layer import sending
from shared.runtime import Runtime
from tests.integration.messaging.conftest import uow
from tests.integration.messaging.test_sender_flow import run_for, sender_settings
from tests.support.calls_stub import CallsStub, calls_stub
from tests.support.cohort import approved_batch, numbers
from tests.support.settings import TWILIO_SID

pytestmark = pytest.mark.integration


@pytest.fixture
def stub() -> Iterator[CallsStub]:
    with calls_stub(TWILIO_SID) as running:
        yield running


@pytest.fixture
def senders() -> Iterator[list[Sender]]:
    made: list[Sender] = []
    yield made
    for sender in made:
        sender.close()
        sender.runtime.engine.dispose()


def a_sender(senders: list[Sender], runtime: Runtime, stub: CallsStub, **changes: object) -> Sender:
    """A sender on the real twilio SDK, pointed at the stub, with an engine of its own."""
    settings = sender_settings(runtime, **changes)
    settings = dataclasses.replace(
        settings, twilio=dataclasses.replace(settings.twilio, api_base_url=stub.url)
    )
    sender = build_sender(settings, build_runtime(settings), metrics=ProviderMetrics())
    senders.append(sender)
    return sender


def calls_queued(
    runtime: Runtime, to: list[str], participant: uuid.UUID | None = None
) -> list[uuid.UUID]:
    made = [
        Message(
            participant_id=participant or uuid.uuid4(),
            to=number,
            body="You are invited to a heart study.",
            kind="invitation",
            priority=PRIORITY_BULK,
            language="en",
            channel="voice",
        )
        for number in to
    ]
    with uow(runtime) as work:
        work.messages.add_messages(made)
        work.commit()
    return [m.id for m in made]


def statuses_of(runtime: Runtime, ids: list[uuid.UUID]) -> dict[uuid.UUID, tuple[str, str | None]]:
    with runtime.engine.connect() as conn:
        rows = conn.execute(
            select(messages.c.id, messages.c.status, messages.c.provider_sid).where(
                messages.c.id.in_(ids)
            )
        )
        return {row.id: (row.status, row.provider_sid) for row in rows}


def run_until(condition: Callable[[], bool], seconds: float, *group: Sender) -> float:
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        for sender in group:
            sender.run_once()
        if condition():
            return time.monotonic() - started
    raise AssertionError(f"not within {seconds} s")


def test_calls_go_through_the_sdk_with_their_webhooks_and_machine_detection(
    runtime: Runtime, senders: list[Sender], stub: CallsStub
) -> None:
    to = numbers(3, prefix="+44771")
    ids = calls_queued(runtime, to)
    sender = a_sender(senders, runtime, stub, call_rate_per_second=50.0)
    run_until(lambda: len(stub.created) == 3, 10, sender)
    sender.drain()
    assert sorted(c["to"] for c in stub.created) == sorted(to)
    by_to = {c["to"]: c for c in stub.created}
    base = sender.settings.public_base_url
    for message_id, number in zip(ids, to, strict=True):
        form = by_to[number]["form"]
        assert form["Url"] == [f"{base}/webhooks/twilio/calls/{message_id}/twiml"]
        assert form["StatusCallback"] == [f"{base}/webhooks/twilio/calls/{message_id}/status"]
        assert form["MachineDetection"] == ["DetectMessageEnd"]
        assert set(form["StatusCallbackEvent"]) == {"initiated", "ringing", "answered", "completed"}
        assert form["From"] == ["+447700900000"]
        assert "Body" not in form
    found = statuses_of(runtime, ids)
    assert {status for status, _ in found.values()} == {"accepted"}
    assert {sid for _, sid in found.values()} == {c["sid"] for c in stub.created}


def test_calls_have_a_limit_of_their_own_shared_by_senders_and_never_hold_texts_back(
    runtime: Runtime, senders: list[Sender], stub: CallsStub
) -> None:
    calls = calls_queued(runtime, numbers(7, prefix="+44772"))
    texts = numbers(20, prefix="+44773")
    approved_batch(runtime, texts)  # queued after the calls, at the same priority
    settings = {"call_rate_per_second": 1.0, "send_rate_per_second": 100.0}
    one = a_sender(senders, runtime, stub, **settings)
    two = a_sender(senders, runtime, stub, **settings)

    def texts_accepted() -> bool:
        with runtime.engine.connect() as conn:
            query = select(messages.c.status).where(messages.c.channel == "sms")
            return set(conn.scalars(query)) == {"accepted"}

    texts_took = run_until(texts_accepted, 30, one, two)
    placed_by_then = len(stub.created)
    calls_took = run_until(
        lambda: {s for s, _ in statuses_of(runtime, calls).values()} == {"accepted"}, 30, one, two
    )
    # The texts behind the calls in the queue did not wait for them; seven calls at one a
    # second (a burst of one) take six seconds, whichever sender places them.
    assert placed_by_then < 7, (texts_took, placed_by_then)
    assert texts_took + calls_took >= 5.8, (texts_took, calls_took)
    assert len(stub.created) == 7


def test_one_call_in_flight_per_patient_and_the_database_holds_it(
    runtime: Runtime, senders: list[Sender], stub: CallsStub
) -> None:
    patient = uuid.uuid4()
    number = numbers(1, prefix="+44774")[0]
    first, second = calls_queued(runtime, [number, number], participant=patient)
    sender = a_sender(senders, runtime, stub, call_rate_per_second=50.0)
    run_for(1.0, sender)
    sender.drain()
    assert len(stub.calls_to(number)) == 1
    found = statuses_of(runtime, [first, second])
    assert sorted(s for s, _ in found.values()) == ["accepted", "queued"]
    # Two senders claiming at once cannot both start one: the unique index refuses.
    waiting = first if found[first][0] == "queued" else second
    with pytest.raises(IntegrityError), runtime.engine.begin() as conn:
        conn.execute(update(messages).where(messages.c.id == waiting).values(status="sending"))
    # The first call ends: the second goes.
    ringing = second if waiting == first else first
    with runtime.engine.begin() as conn:
        conn.execute(update(messages).where(messages.c.id == ringing).values(status="completed"))
        conn.execute(update(messages).where(messages.c.id == waiting).values(not_before=None))
    run_until(lambda: len(stub.calls_to(number)) == 2, 5, sender)


def test_a_call_whose_answer_was_lost_is_found_in_the_calls_api_not_placed_again(
    runtime: Runtime, senders: list[Sender], stub: CallsStub
) -> None:
    stub.latency = 3.5  # the call is created; its answer comes after our 2 s read timeout
    number = numbers(1, prefix="+44775")[0]
    (call,) = calls_queued(runtime, [number])
    sender = a_sender(senders, runtime, stub, call_rate_per_second=50.0)
    sender.run_once()
    sender.drain()
    assert statuses_of(runtime, [call])[call] == ("sending", None)  # outcome unknown
    stub.latency = 0.0
    settled = sending.reconcile(uow(runtime), sender.provider, stale_after=timedelta(0))
    assert settled == 1
    (placed,) = stub.calls_to(number)
    assert statuses_of(runtime, [call])[call] == ("accepted", placed["sid"])
    run_for(0.5, sender)
    assert len(stub.calls_to(number)) == 1


def test_a_call_that_never_reached_twilio_is_placed_once_after_reconciliation(
    runtime: Runtime, senders: list[Sender], stub: CallsStub
) -> None:
    number = numbers(1, prefix="+44776")[0]
    (call,) = calls_queued(runtime, [number])
    with runtime.engine.begin() as conn:  # a sender died between its claim and the call
        conn.execute(
            update(messages)
            .where(messages.c.id == call)
            .values(
                status="sending",
                attempt_started_at=datetime.now(UTC) - timedelta(minutes=5),
                sender_id=uuid.uuid4(),
            )
        )
    sender = a_sender(senders, runtime, stub, call_rate_per_second=50.0)
    assert sending.reconcile(uow(runtime), sender.provider, stale_after=timedelta(0)) == 1
    assert statuses_of(runtime, [call])[call] == ("queued", None)
    run_until(lambda: statuses_of(runtime, [call])[call][0] == "accepted", 5, sender)
    assert len(stub.calls_to(number)) == 1

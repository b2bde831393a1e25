"""A trial's cascade on PostgreSQL: SMS, then two calls, then a letter, moved on by the
cascade job on a controllable clock; a call queued for the sender (decision 27), whose
unanswered tries arrive as status callbacks (the cascade, not the call retry rule, rings
again); the letter a letter batch would make, with its row in the invitation's batch, its
link asked of consent, and one per step however often the job runs; a reply ends another
patient's run (decision 30)."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from services.messaging.adapters.orm import letters, messages
from services.messaging.bootstrap import build_runtime, build_sender
from services.messaging.domain.windows import ALWAYS
from services.messaging.entrypoints.sender import Sender
from services.messaging.service_layer import (
    batches,
    cascades,
    contacts,
    invitations,
    replies,
    statuses,
)
from shared.auth.principal import Principal
from shared.events import decode
from shared.events.commands import InvitationsRequested, ParticipantShared, TrialCreated
from shared.runtime import Runtime
from tests.support import settings as test_settings
from tests.support.fake_provider import FakeProvider

pytestmark = pytest.mark.integration
ADMIN = Principal(uuid.uuid4(), "test admin", "admin")


@pytest.fixture
def sender(runtime: Runtime) -> Iterator[tuple[Sender, FakeProvider]]:
    config = dataclasses.replace(
        test_settings.messaging(runtime.settings.database_url, runtime.settings.bus),
        default_window=ALWAYS,
    )
    provider = FakeProvider()
    made = build_sender(config, build_runtime(config), provider)
    yield made, provider
    made.close()
    made.runtime.engine.dispose()


def invite(runtime: Runtime, trial_id: uuid.UUID, *numbers: str) -> list[uuid.UUID]:
    people = []
    for number in numbers:
        person = uuid.uuid4()
        contacts.save_contact(
            runtime.uow_factory(),
            ParticipantShared(
                participant_id=person,
                practice_ods="M85001",
                mobile=number,
                textable=True,
                language="en",
                postal=True,
                large_print=True,
            ),
        )
        people.append(person)
    batch_id = uuid.uuid4()
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
    batches.approve(runtime.uow_factory(), ADMIN, batch_id, send_at=None, allow_unreviewed=True)
    return people


def of(runtime: Runtime, person: uuid.UUID) -> list[tuple[str, str, str]]:
    with runtime.engine.connect() as conn:
        query = (
            select(messages.c.channel, messages.c.kind, messages.c.status)
            .where(messages.c.participant_id == person)
            .order_by(messages.c.created_at)
        )
        return [(r[0], r[1], r[2]) for r in conn.execute(query)]


def unanswered(runtime: Runtime, person: uuid.UUID, outcome: str) -> None:
    """The call's status callback: nobody answered, or the line was busy."""
    with runtime.engine.connect() as conn:
        call = conn.scalar(
            select(messages.c.id).where(
                messages.c.participant_id == person,
                messages.c.channel == "voice",
                messages.c.status == "queued",
            )
        )
    assert call is not None
    callback = statuses.StatusCallback(call, f"CA{uuid.uuid4().hex}", outcome, None)
    statuses.store_statuses(runtime.uow_factory(), [callback])
    assert statuses.apply_stored(runtime.uow_factory()) == 1


def cascade_events(runtime: Runtime) -> list[tuple[str, str, str | None]]:
    table = runtime.tables.outbox
    with runtime.engine.connect() as conn:
        payloads = list(conn.scalars(select(table.c.payload).order_by(table.c.id)))
    found = [decode(p) for p in payloads]
    return [
        (e.type.rsplit(".", 1)[-1], e.data["channel"], e.data.get("outcome"))
        for e in found
        if e.type.startswith("messaging.cascade.")
    ]


def of_letter(runtime: Runtime, person: uuid.UUID) -> uuid.UUID:
    with runtime.engine.connect() as conn:
        found = conn.scalar(
            select(messages.c.id).where(
                messages.c.participant_id == person, messages.c.channel == "letter"
            )
        )
    assert found is not None
    return found


def letter_requests(runtime: Runtime) -> list[str]:
    table = runtime.tables.outbox
    with runtime.engine.connect() as conn:
        payloads = list(conn.scalars(select(table.c.payload).order_by(table.c.id)))
    found = [decode(p) for p in payloads]
    return [str(e.data["message_id"]) for e in found if e.type == "messaging.letter.requested"]


def test_sms_then_two_calls_then_a_letter_and_a_reply_ends_another(
    runtime: Runtime, sender: tuple[Sender, FakeProvider]
) -> None:
    worker, provider = sender
    assert provider.calls == 0
    trial_id = uuid.uuid4()
    contacts.save_trial(
        runtime.uow_factory(), TrialCreated(trial_id=trial_id, short_name="AF", title="Heart")
    )
    cascades.set_cascade(
        runtime.uow_factory(),
        "admin",
        trial_id,
        [
            {"channel": "sms", "wait_hours": 168},
            {"channel": "voice", "wait_hours": 24, "tries": 2},
            {"channel": "letter", "wait_hours": 336},
        ],
    )
    silent, answers = invite(runtime, trial_id, "+447700900301", "+447700900302")
    for _ in range(3):
        worker.run_once()
    worker.record_finished(block=2.0)
    assert of(runtime, silent) == [("sms", "invitation", "accepted")]
    assert sorted(r.to for _, r, _ in provider.sent) == ["+447700900301", "+447700900302"]

    t0 = datetime.now(UTC)
    assert cascades.advance(runtime.uow_factory(), t0) == 0  # both clocks start
    replies.receive(
        runtime.uow_factory(),
        replies.InboundSms(f"SM{uuid.uuid4().hex}", "+447700900302", "+447700900000", "yes"),
    )
    assert cascades.advance(runtime.uow_factory(), t0 + timedelta(days=6)) == 1  # answered
    assert cascades.advance(runtime.uow_factory(), t0 + timedelta(days=7)) == 1
    assert of(runtime, silent)[-1] == ("voice", "invitation", "queued")
    assert of(runtime, silent)[-1] == ("voice", "invitation", "queued")
    assert [k for _, k, _ in of(runtime, answers)] == ["invitation", "yes_ack"]  # no call
    unanswered(runtime, silent, "no-answer")
    assert [c for c, _, _ in of(runtime, silent)] == ["sms", "voice"]  # not the retry rule
    # Rung again after the trial's call-retry delay (two hours), not at once.
    assert cascades.advance(runtime.uow_factory(), t0 + timedelta(days=7, hours=1)) == 0
    assert cascades.advance(runtime.uow_factory(), t0 + timedelta(days=7, hours=3)) == 1
    unanswered(runtime, silent, "busy")
    assert cascades.advance(runtime.uow_factory(), t0 + timedelta(days=7, hours=4)) == 1
    assert [c for c, _, _ in of(runtime, silent)] == ["sms", "voice", "voice", "letter"]
    assert of(runtime, silent)[-1][2] == "queued"
    for again in (5, 6):  # the job runs again: still one letter
        cascades.advance(runtime.uow_factory(), t0 + timedelta(days=7, hours=again))
    with runtime.engine.connect() as conn:
        [row] = conn.execute(select(letters)).mappings().all()
    letter_id = of_letter(runtime, silent)
    assert row["message_id"] == letter_id and row["large_print"] is True
    assert (row["cascade_step"], row["cascade_attempt"]) == (2, 1)
    assert row["link_requested_at"] is not None
    assert letter_requests(runtime) == [str(letter_id)]  # consent makes its link and code
    duplicate = {**row, "message_id": uuid.uuid4()}
    with pytest.raises(IntegrityError), runtime.engine.begin() as conn:
        conn.execute(insert(letters).values(**duplicate))
    assert cascade_events(runtime) == [
        ("started", "sms", None),
        ("started", "sms", None),
        ("ended", "sms", "answered"),
        ("step_taken", "voice", None),
        ("step_taken", "voice", None),
        ("step_taken", "letter", None),
    ]
    with runtime.uow_factory() as uow:
        assert uow.cascades.states(trial_id) == {"running": 1, "answered": 1}

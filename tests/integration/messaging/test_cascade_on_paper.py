"""A cascade that starts on paper, on PostgreSQL (issue 17): a landline-only patient's
invitation letter starts the trial's cascade run in the chunk's transaction; the registry's
event delivered twice through messaging's worker (its inbox) makes one letter and one run;
once the letter is posted and its wait is over, the cascade rings the landline. And a call a
machine took counts as a try at once (decision 30)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from services.messaging.adapters.orm import messages
from services.messaging.service_layer import (
    batches,
    cascades,
    contacts,
    invitations,
    letters,
    statuses,
)
from shared.auth.principal import Principal
from shared.events import decode, encode, new_event
from shared.events.commands import (
    InvitationsRequested,
    NotificationRequested,
    ParticipantShared,
    TrialCreated,
)
from shared.runtime import Runtime

pytestmark = pytest.mark.integration
ADMIN = Principal(uuid.uuid4(), "test admin", "admin")
LANDLINE = "+441214960021"


def sent(runtime: Runtime, person: uuid.UUID) -> list[tuple[str, str, str]]:
    with runtime.engine.connect() as conn:
        query = (
            select(messages.c.channel, messages.c.status, messages.c.to)
            .where(messages.c.participant_id == person)
            .order_by(messages.c.created_at)
        )
        return [(r[0], r[1], r[2]) for r in conn.execute(query)]


def test_a_letter_starts_the_cascade_once_and_the_call_follows_its_posting(
    runtime: Runtime,
) -> None:
    trial_id, person, batch_id = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    contacts.save_trial(
        runtime.uow_factory(), TrialCreated(trial_id=trial_id, short_name="AF", title="Heart")
    )
    cascades.set_cascade(
        runtime.uow_factory(),
        "admin",
        trial_id,
        [{"channel": "letter", "wait_hours": 336}, {"channel": "voice", "wait_hours": 24}],
    )
    contacts.save_contact(
        runtime.uow_factory(),
        ParticipantShared(
            participant_id=person,
            practice_ods="M85001",
            mobile=LANDLINE,
            textable=False,
            language="en",
            postal=True,
        ),
    )
    asked = {
        "batch_id": batch_id,
        "trial_id": trial_id,
        "practice_ods": "M85001",
        "chunk": 0,
        "chunks": 1,
        "participant_ids": [person],
    }
    event = decode(encode(new_event("registry.invitations.requested", asked, "registry")))
    worker = runtime.worker()
    try:
        worker.process(event)
        worker.process(event)  # redelivered: the inbox knows it
    finally:
        worker.connection.release()
    assert sent(runtime, person) == [("letter", "held", "post")]
    with runtime.uow_factory() as uow:
        assert uow.cascades.states(trial_id) == {"running": 1}
        run = uow.cascades.run_for(person, trial_id)
        assert run is not None and (run.channel, run.step) == ("letter", 0)

    batches.approve(runtime.uow_factory(), ADMIN, batch_id, send_at=None, allow_unreviewed=True)
    table = runtime.tables.outbox
    with runtime.engine.connect() as conn:
        found = [decode(p) for p in conn.scalars(select(table.c.payload))]
    [requested] = [e.data for e in found if e.type == letters.REQUESTED]
    letters.attach_link(
        runtime.uow_factory(),
        NotificationRequested(
            uuid.uuid4(),
            person,
            trial_id,
            "letter_link",
            "https://c/c/t",
            code="123456",
            message_id=uuid.UUID(str(requested["message_id"])),
        ),
    )
    staff = Principal(uuid.uuid4(), "staff", "staff", practices=frozenset({"M85001"}))
    assert letters.mark_printed(runtime.uow_factory(), staff, batch_id) == 1
    t0 = datetime.now(UTC)
    assert cascades.advance(runtime.uow_factory(), t0 + timedelta(days=30)) == 0  # not posted
    assert letters.mark_posted(runtime.uow_factory(), staff, batch_id) == 1
    assert cascades.advance(runtime.uow_factory(), t0) == 0  # posted: the two weeks start
    assert cascades.advance(runtime.uow_factory(), t0 + timedelta(days=14)) == 1

    assert sent(runtime, person) == [("letter", "sent", "post"), ("voice", "queued", LANDLINE)]


def test_a_call_a_machine_took_is_a_try_and_the_letter_follows_at_once(runtime: Runtime) -> None:
    """AnsweredBy as the call's webhook stores it, read back by the cascade job (decision 30)."""
    trial_id, person, batch_id = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    contacts.save_trial(
        runtime.uow_factory(), TrialCreated(trial_id=trial_id, short_name="AF", title="Heart")
    )
    cascades.set_cascade(
        runtime.uow_factory(),
        "admin",
        trial_id,
        [{"channel": "voice", "wait_hours": 48}, {"channel": "letter", "wait_hours": 336}],
    )
    contacts.save_contact(
        runtime.uow_factory(),
        ParticipantShared(
            participant_id=person,
            practice_ods="M85001",
            mobile=LANDLINE,
            textable=False,
            language="en",
            postal=True,
        ),
    )
    invitations.queue_invitations(
        runtime.uow_factory(),
        InvitationsRequested(batch_id, trial_id, "M85001", 0, 1, (person,)),
    )
    batches.approve(runtime.uow_factory(), ADMIN, batch_id, send_at=None, allow_unreviewed=True)
    [(channel, _, to)] = sent(runtime, person)
    assert (channel, to) == ("voice", LANDLINE)  # the cascade's first step they can be reached on
    with runtime.uow_factory() as uow:
        run = uow.cascades.run_for(person, trial_id)
        assert run is not None
        uow.calls.set_answered_by(run.message_id, "machine_end_beep")
        uow.commit()
    ended = statuses.StatusCallback(run.message_id, f"CA{uuid.uuid4().hex}", "completed", None)
    statuses.store_statuses(runtime.uow_factory(), [ended])
    assert statuses.apply_stored(runtime.uow_factory()) == 1

    assert cascades.advance(runtime.uow_factory(), datetime.now(UTC)) == 1  # no two days' wait

    assert [c for c, _, _ in sent(runtime, person)] == ["voice", "letter"]

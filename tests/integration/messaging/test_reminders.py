"""A batch's reminders, stored all at once on PostgreSQL and on SQLite (the local run): only to
those whose invitation went out and who are still waiting, in a fixed number of statements."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from services.messaging.adapters.orm import batches
from services.messaging.service_layer import batches as batch_use_cases
from services.messaging.service_layer import contacts, replies, sending
from shared.auth.principal import Principal
from shared.runtime import Runtime
from tests.integration.messaging.both_databases import on_both_databases  # noqa: F401
from tests.integration.messaging.conftest import uow
from tests.integration.messaging.test_invitation_chunks import (
    a_chunk,
    a_contact,
    a_trial,
    status_events,
    suppress,
    texts_of,
)
from tests.support.fake_provider import FakeProvider
from tests.support.statements import counting_statements

pytestmark = pytest.mark.integration
ADMIN = Principal(uuid.uuid4(), "test admin", "admin")


def due() -> datetime:
    """Just past when a batch sent now is due its reminder: 7 days (the trial's default)."""
    return datetime.now(UTC) + timedelta(days=7, minutes=1)


def a_sent_batch(runtime: Runtime, people: list[uuid.UUID]) -> tuple[uuid.UUID, uuid.UUID]:
    """A batch of invitations to `people`, approved and sent; its trial and its id."""
    trial_id, batch_id = a_trial(runtime), uuid.uuid4()
    a_chunk(runtime, trial_id, people, batch_id)
    batch_use_cases.approve(uow(runtime), ADMIN, batch_id, send_at=None, allow_unreviewed=True)
    provider = FakeProvider()
    for job in sending.claim(uow(runtime), 1000):
        sending.send(uow(runtime), provider, job, lambda m: f"http://cb/{m}", 3600)
    went = {m.status for p in people for m in texts_of(runtime, p) if m.kind == "invitation"}
    assert went == {"accepted"}
    return trial_id, batch_id


def reminders_to(runtime: Runtime, participant_id: uuid.UUID) -> list[Any]:
    return [m for m in texts_of(runtime, participant_id) if m.kind == "reminder"]


def test_reminders_go_only_to_the_reachable_who_have_not_answered(runtime: Runtime) -> None:
    good_en, good_ur = a_contact(runtime), a_contact(runtime, language="ur")
    answered = a_contact(runtime, mobile="+447400300001")
    suppressed = a_contact(runtime, mobile="+447400300002")
    erased = a_contact(runtime)
    trial_id, batch_id = a_sent_batch(runtime, [good_en, answered, suppressed, erased, good_ur])
    sms = replies.InboundSms(f"SM{uuid.uuid4().hex}", "+447400300001", "+447700900000", "yes")
    assert replies.receive(uow(runtime), sms) == "yes"
    suppress(runtime, "+447400300002")  # e.g. Twilio's 21610: STOP said to the carrier
    contacts.erase_contact(uow(runtime), erased)
    events_before = len(status_events(runtime))
    at = due()

    assert batch_use_cases.queue_reminders(uow(runtime), at - timedelta(minutes=2)) == 0
    assert batch_use_cases.queue_reminders(uow(runtime), at) == 2

    [en], [ur] = reminders_to(runtime, good_en), reminders_to(runtime, good_ur)
    [invitation_en] = [m for m in texts_of(runtime, good_en) if m.kind == "invitation"]
    assert (en.status, en.error, en.language, en.trial_id, en.batch_id) == (
        "queued",
        None,
        "en",
        trial_id,
        batch_id,
    )
    assert (en.to, en.priority) == (invitation_en.to, invitation_en.priority)
    assert en.template_id is not None and en.body != invitation_en.body
    assert (ur.status, ur.language) == ("queued", "ur") and ur.body.startswith("آپ کے جی پی")
    for nobody in (answered, suppressed, erased):
        assert reminders_to(runtime, nobody) == []
    assert status_events(runtime)[events_before:] == []  # nothing stopped, nothing to say
    with runtime.engine.connect() as conn:
        recorded = conn.scalar(select(batches.c.reminder_queued_at).where(batches.c.id == batch_id))
    assert recorded is not None and recorded.replace(tzinfo=UTC) == at
    # Once per batch: a later pass sends no second reminder.
    assert batch_use_cases.queue_reminders(uow(runtime), at + timedelta(days=30)) == 0
    assert len(reminders_to(runtime, good_en)) == 1


def statements_for_reminders(runtime: Runtime, size: int) -> int:
    people = [a_contact(runtime, language=("en", "ur")[i % 2]) for i in range(size)]
    a_sent_batch(runtime, people)
    with counting_statements(runtime.engine) as count:
        assert batch_use_cases.queue_reminders(uow(runtime), due()) == size
    return count[0]


def test_a_batchs_reminders_cost_the_same_statements_whatever_their_number(
    runtime: Runtime,
) -> None:
    assert statements_for_reminders(runtime, 2) == statements_for_reminders(runtime, 40)

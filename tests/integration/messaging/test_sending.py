"""Sending on PostgreSQL: one send per attempt, provider errors, reconciliation after a crash."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select

from services.messaging.adapters.orm import messages
from services.messaging.adapters.provider import SendRequest
from services.messaging.service_layer import batches, contacts, invitations, sending
from shared.auth.principal import Principal
from shared.events.commands import InvitationsRequested, ParticipantShared, TrialCreated
from shared.runtime import Runtime
from tests.integration.messaging.conftest import uow
from tests.support.fake_provider import FakeProvider

pytestmark = pytest.mark.integration
MOBILE = "+447400123401"
ADMIN = Principal(uuid.uuid4(), "test admin", "admin")


def invite_one(runtime: Runtime, mobile: str = MOBILE) -> uuid.UUID:
    participant_id, trial_id = uuid.uuid4(), uuid.uuid4()
    contacts.save_trial(
        uow(runtime), TrialCreated(trial_id=trial_id, short_name="T1", title="A study")
    )
    contacts.save_contact(
        uow(runtime),
        ParticipantShared(
            participant_id=participant_id,
            practice_ods="M85001",
            mobile=mobile,
            textable=True,
            language="en",
        ),
    )
    batch_id = uuid.uuid4()
    invitations.queue_invitations(
        uow(runtime),
        InvitationsRequested(
            batch_id=batch_id,
            trial_id=trial_id,
            practice_ods="M85001",
            chunk=0,
            chunks=1,
            participant_ids=(participant_id,),
        ),
    )
    batches.approve(uow(runtime), ADMIN, batch_id, send_at=None, allow_unreviewed=False)
    return participant_id


def statuses(runtime: Runtime) -> list[str]:
    with runtime.engine.connect() as conn:
        return [row.status for row in conn.execute(select(messages.c.status))]


def send_all(runtime: Runtime, provider: FakeProvider) -> None:
    for job in sending.claim(uow(runtime), 50):
        sending.send(uow(runtime), provider, job, lambda mid: f"http://cb/{mid}", 3600)


def test_a_queued_invitation_is_sent_once(runtime: Runtime) -> None:
    invite_one(runtime)
    provider = FakeProvider()
    send_all(runtime, provider)
    send_all(runtime, provider)
    assert len(provider.sends_to(MOBILE)) == 1
    assert statuses(runtime) == ["accepted"]


def test_a_rate_limited_send_backs_off_then_goes(runtime: Runtime) -> None:
    invite_one(runtime)
    provider = FakeProvider(fail_next=[("retry", "20429")])
    send_all(runtime, provider)
    assert statuses(runtime) == ["queued"]
    send_all(runtime, provider)  # not yet: backing off
    assert provider.sends_to(MOBILE) == []
    with runtime.engine.begin() as conn:
        conn.execute(messages.update().values(not_before=None))
    send_all(runtime, provider)
    assert len(provider.sends_to(MOBILE)) == 1


def test_a_permanent_error_fails_the_message_with_its_reason(runtime: Runtime) -> None:
    invite_one(runtime)
    send_all(runtime, FakeProvider(fail_next=[("fail", "21211")]))
    with runtime.engine.connect() as conn:
        row = conn.execute(select(messages.c.status, messages.c.error)).one()
    assert row.status == "failed"
    assert row.error.startswith("21211")


def test_error_21610_suppresses_the_number(runtime: Runtime) -> None:
    invite_one(runtime)
    send_all(runtime, FakeProvider(fail_next=[("suppress", "21610")]))
    invite_one(runtime)  # a second person on the same phone
    provider = FakeProvider()
    send_all(runtime, provider)
    assert provider.sends_to(MOBILE) == []
    assert sorted(statuses(runtime)) == ["failed", "suppressed"]


def test_after_a_crash_an_attempt_that_reached_the_provider_is_not_sent_again(
    runtime: Runtime,
) -> None:
    invite_one(runtime)
    provider = FakeProvider()
    [job] = sending.claim(uow(runtime), 50)
    provider.send(SendRequest(job.to, job.body, "http://cb", 3600))
    # ...the process dies here, before recording the SID.
    assert sending.reconcile(uow(runtime), provider, timedelta(0)) == 1
    send_all(runtime, provider)
    assert len(provider.sends_to(MOBILE)) == 1
    assert statuses(runtime) == ["accepted"]


def test_after_a_crash_an_attempt_that_never_left_is_sent_once(runtime: Runtime) -> None:
    invite_one(runtime)
    provider = FakeProvider()
    sending.claim(uow(runtime), 50)  # the process dies before calling the provider
    assert sending.reconcile(uow(runtime), provider, timedelta(0)) == 1
    send_all(runtime, provider)
    send_all(runtime, provider)
    assert len(provider.sends_to(MOBILE)) == 1


def test_reconciliation_never_resends_blind_when_the_provider_is_unreachable(
    runtime: Runtime,
) -> None:
    invite_one(runtime)
    provider = FakeProvider(lookup_fails=True)
    sending.claim(uow(runtime), 50)
    assert sending.reconcile(uow(runtime), provider, timedelta(0)) == 0
    send_all(runtime, provider)
    assert provider.sends_to(MOBILE) == []
    assert statuses(runtime) == ["sending"]

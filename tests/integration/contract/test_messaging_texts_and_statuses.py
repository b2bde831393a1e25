"""The messaging ports' contract for texts: the fake and the SQLAlchemy repositories claim,
count, find stale and apply provider statuses alike."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from services.messaging.domain.model import PRIORITY_NOTIFICATION, PRIORITY_REPLY
from services.messaging.service_layer.ports import MessagingUnitOfWork
from tests.integration.contract.messaging_helpers import New, add, contact, text

pytestmark = pytest.mark.integration


def test_loop_protection_counts_the_same_text_since_a_moment_leaving_out_failures(
    messaging: New,
) -> None:
    who = contact()
    since = datetime.now(UTC) - timedelta(minutes=5)
    same = [text(who, status=s) for s in ("sent", "queued", "failed", "cancelled")]
    for message in same:
        message.body = "the same"
    old = text(who, created_at=since - timedelta(minutes=1))
    old.body = "the same"
    add(messaging, *same, old)

    with messaging() as uow:
        one = uow.messages.same_text_count(who.mobile or "", "the same", since)
        many = uow.messages.same_text_counts(
            {(who.mobile or "", "the same"), (who.mobile or "", "other")}, since
        )
    assert one == 2 and many == {(who.mobile, "the same"): 2}


def test_claiming_takes_due_texts_by_priority_and_a_link_waits_for_its_acknowledgement(
    messaging: New,
) -> None:
    who, other = contact(), contact()
    start = datetime.now(UTC) - timedelta(minutes=1)
    ack = text(who, "yes_ack", status="queued", priority=PRIORITY_REPLY, created_at=start)
    link = text(
        who,
        "consent_link",
        status="queued",
        priority=PRIORITY_NOTIFICATION,
        created_at=start + timedelta(seconds=1),
    )
    bulk = text(other, status="queued", created_at=start)
    later = text(other, status="queued", not_before=datetime.now(UTC) + timedelta(hours=1))
    add(messaging, ack, link, bulk, later)
    mine = {ack.id, link.id, bulk.id, later.id}

    def claim(uow: MessagingUnitOfWork, now: datetime) -> list[uuid.UUID]:
        return [m.id for m in uow.messages.claim_queued(10_000, uow.row_locks, now) if m.id in mine]

    with messaging() as uow:
        claimed = claim(uow, datetime.now(UTC))
        assert claimed == [ack.id, bulk.id]
        uow.messages.start_attempts([ack.id], datetime.now(UTC))
        uow.commit()
    with messaging() as uow:
        claimed = claim(uow, datetime.now(UTC))
        sending = uow.messages.message(ack.id)
    assert claimed == [bulk.id]  # the acknowledgement is being sent: the link still waits
    assert sending is not None and (sending.status, sending.attempts) == ("sending", 1)
    with messaging() as uow:  # due is judged at the moment the sender asks about
        assert set(claim(uow, datetime.now(UTC) + timedelta(hours=2))) == {bulk.id, later.id}


def test_stale_attempts_and_texts_the_provider_took_without_news(messaging: New) -> None:
    who = contact()
    now = datetime.now(UTC)
    stale = text(who, status="sending", attempt_started_at=now - timedelta(minutes=10))
    fresh = text(who, status="sending", attempt_started_at=now)
    quiet = text(
        who,
        status="accepted",
        provider_sid=f"SM{uuid.uuid4().hex}",
        updated_at=now - timedelta(hours=2),
    )
    add(messaging, stale, fresh, quiet)

    with messaging() as uow:
        found = {m.id for m in uow.messages.stale_attempts(now - timedelta(minutes=5))}
        unfinished = uow.messages.unfinished_with_provider(
            now - timedelta(days=1), now - timedelta(hours=1), 10_000
        )
    assert stale.id in found and fresh.id not in found
    assert (quiet.id, quiet.provider_sid, "accepted") in unfinished


def test_status_callbacks_are_stored_applied_and_marked(messaging: New) -> None:
    who = contact()
    message = text(who, status="sending", provider_sid=None)
    add(messaging, message)
    sid = f"SM{uuid.uuid4().hex}"

    with messaging() as uow:
        uow.statuses.store_status_events([(message.id, sid, "delivered", None)])
        uow.commit()
    with messaging() as uow:
        [stored] = [
            r
            for r in uow.statuses.pending_status_events(10_000, lock=False)
            if r.message_id == message.id
        ]
        assert (stored.provider_sid, stored.status, stored.applied) == (sid, "delivered", None)
        row = uow.statuses.status_rows([message.id], lock=False)[message.id]
        assert (row.status, row.kind, row.channel) == ("sending", "invitation", "sms")
        at = datetime.now(UTC)
        uow.statuses.set_statuses(
            [{"id": message.id, "status": "delivered", "error": None, "provider_sid": sid}], at
        )
        uow.statuses.mark_status_events([{"id": stored.id, "applied": True}])
        uow.commit()
    with messaging() as uow:
        pending = [r.id for r in uow.statuses.pending_status_events(10_000, lock=False)]
        done = uow.messages.message(message.id)
    assert stored.id not in pending
    assert done is not None and (done.status, done.provider_sid) == ("delivered", sid)

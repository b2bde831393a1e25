"""What the provider knows that we missed, through the fakes (decision 16): replies whose
webhook never came are stored once, lost statuses are stored as callbacks and only move
texts forward, and a callback that always fails is set aside."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

import pytest

from services.messaging.domain.model import InboundMessage, Message
from services.messaging.service_layer import reconciliation, statuses
from services.messaging.service_layer.reconciliation import ProviderStatus
from services.messaging.service_layer.replies import InboundSms
from services.messaging.service_layer.statuses import StatusCallback
from tests.support.fakes.messaging import FakeMessagingUnitOfWork, FakeReplies
from tests.support.fakes.messaging_world import someone_invited

OUR_NUMBER = "+447700900000"
REPLY = "messaging.reply.received"
NOW = datetime.now(UTC)


class FakeHistory:
    """The provider's Messages list: the replies it received and each text's status."""

    def __init__(self) -> None:
        self.received: list[InboundSms] = []
        self.statuses: dict[str, ProviderStatus] = {}

    def inbound_since(self, since: datetime, to: str | None) -> Iterable[InboundSms]:
        return list(self.received)

    def status_of(self, provider_sid: str) -> ProviderStatus | None:
        return self.statuses.get(provider_sid)


class Duplicate(Exception):
    """What the database says when another delivery stored the same MessageSid first."""


class RacedReplies(FakeReplies):
    """Another delivery of the same reply commits first: the row is there, ours fails."""

    def add(self, inbound: InboundMessage) -> None:
        super().add(inbound)
        raise Duplicate(inbound.provider_sid)


def is_duplicate(exc: Exception) -> bool:
    return isinstance(exc, Duplicate)


def sms(number: str, body: str) -> InboundSms:
    return InboundSms(f"SM{uuid.uuid4().hex}", number, OUR_NUMBER, body)


def test_replies_the_webhook_missed_are_stored_and_acted_on_once(
    uow: FakeMessagingUnitOfWork,
) -> None:
    _, number, trial = someone_invited(uow)
    history = FakeHistory()
    history.received = [sms(number, "YES please"), sms(number, "yes")]
    reconciliation.store_reply(lambda: uow, history.received[0], is_duplicate)  # the webhook's

    stored = reconciliation.reconcile_inbound(
        lambda: uow, history, NOW - timedelta(hours=1), OUR_NUMBER, is_duplicate
    )
    again = reconciliation.reconcile_inbound(
        lambda: uow, history, NOW - timedelta(hours=1), OUR_NUMBER, is_duplicate
    )

    assert (stored, again) == (1, 0)
    assert len(uow.store.inbound) == 2
    assert [(r["intent"], r["trial_id"]) for r in uow.published(REPLY)] == [
        ("yes", str(trial)),
        ("yes", str(trial)),
    ]


def test_a_reply_stored_meanwhile_by_another_delivery_is_answered_as_a_duplicate(
    uow: FakeMessagingUnitOfWork,
) -> None:
    _, number, _ = someone_invited(uow)
    raced = FakeMessagingUnitOfWork(uow.store)
    raced.replies = RacedReplies(uow.store)
    units = iter([raced, uow])

    assert reconciliation.store_reply(lambda: next(units), sms(number, "no"), is_duplicate) is None
    assert len(uow.store.inbound) == 1 and uow.published(REPLY) == []


def test_an_error_that_is_not_a_duplicate_is_raised(uow: FakeMessagingUnitOfWork) -> None:
    _, number, _ = someone_invited(uow)
    raced = FakeMessagingUnitOfWork(uow.store)
    raced.replies = RacedReplies(uow.store)

    with pytest.raises(Duplicate):
        reconciliation.store_reply(lambda: raced, sms(number, "no"), lambda exc: False)


def sent_long_ago(uow: FakeMessagingUnitOfWork, status: str, minutes: int) -> Message:
    contact, _, _ = someone_invited(uow, status=status)
    [message] = [
        m for m in uow.store.messages.values() if m.participant_id == contact.participant_id
    ]
    message.provider_sid = f"SM{uuid.uuid4().hex}"
    message.updated_at = NOW - timedelta(minutes=minutes)
    return message


def test_lost_statuses_are_fetched_for_old_unfinished_texts_and_move_them_forward_only(
    uow: FakeMessagingUnitOfWork,
) -> None:
    delivered = sent_long_ago(uow, "sent", 120)
    behind = sent_long_ago(uow, "sent", 120)  # the provider says less than we know
    recent = sent_long_ago(uow, "accepted", 1)  # its callback may still come
    unknown = sent_long_ago(uow, "sent", 120)  # the provider has no record
    history = FakeHistory()
    history.statuses = {
        delivered.provider_sid or "": ProviderStatus("delivered", None),
        behind.provider_sid or "": ProviderStatus("queued", None),
        recent.provider_sid or "": ProviderStatus("delivered", None),
    }

    moved = reconciliation.reconcile_statuses(
        lambda: uow, history, NOW, timedelta(minutes=30), NOW - timedelta(days=2)
    )
    statuses.apply_stored(uow)

    assert moved == 1
    assert [c.message_id for c in uow.store.callbacks] == [delivered.id]
    assert (delivered.status, behind.status, recent.status, unknown.status) == (
        "delivered",
        "sent",
        "accepted",
        "sent",
    )


def test_a_callback_set_aside_stays_stored_and_the_ones_after_it_go_on(
    uow: FakeMessagingUnitOfWork,
) -> None:
    first, second = sent_long_ago(uow, "sent", 5), sent_long_ago(uow, "sent", 5)
    statuses.store_statuses(
        uow,
        [StatusCallback(m.id, m.provider_sid, "delivered", None) for m in (first, second)],
    )
    failing, waiting = statuses.stored_ids(uow, 10)

    statuses.set_aside(uow, failing)

    assert statuses.stored_ids(uow, 10) == [waiting]
    assert [c.applied for c in uow.store.callbacks] == [False, None]
    assert statuses.apply_stored(uow) == 1 and second.status == "delivered"
    assert first.status == "sent"

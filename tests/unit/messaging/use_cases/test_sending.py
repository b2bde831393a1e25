"""Sending through the fakes: claim, the provider's answers, status callbacks, and
reconciling attempts whose outcome is unknown."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import UTC, datetime, timedelta

from services.messaging.domain.model import PRIORITY_REPLY, Contact, Message, Suppression
from services.messaging.domain.windows import SendingWindow
from services.messaging.service_layer import sending, statuses
from services.messaging.service_layer.statuses import StatusCallback
from tests.support.fake_provider import FakeProvider
from tests.support.fakes.messaging import FakeMessagingUnitOfWork
from tests.support.fakes.messaging_world import a_contact, a_trial

STATUS = "messaging.message.status_changed"


def queued(uow: FakeMessagingUnitOfWork, who: Contact, **fields: object) -> Message:
    assert who.mobile
    values: dict[str, object] = {"kind": "invitation", "priority": 2, **fields}
    message = Message(who.participant_id, who.mobile, "Hello", **values)  # type: ignore[arg-type]
    uow.messages.add(message)
    return message


def send_all(uow: FakeMessagingUnitOfWork, provider: FakeProvider) -> int:
    jobs = sending.claim(uow, 100)
    for job in jobs:
        sending.send(uow, provider, job, lambda i: f"https://m.test/status/{i}", 3600)
    return len(jobs)


def test_a_due_text_is_sent_accepted_and_announced(uow: FakeMessagingUnitOfWork) -> None:
    message = queued(uow, a_contact(uow))
    provider = FakeProvider()

    assert send_all(uow, provider) == 1

    assert (message.status, message.attempts) == ("accepted", 1)
    [(sid, request, _)] = provider.sent
    assert message.provider_sid == sid and request.to == message.to
    assert [e["status"] for e in uow.published(STATUS)] == ["accepted"]


def test_a_stopped_number_gets_nothing_but_its_stop_confirmation(
    uow: FakeMessagingUnitOfWork,
) -> None:
    who = a_contact(uow)
    assert who.mobile
    uow.suppressions.add(Suppression(who.mobile, "replied STOP"))
    invitation = queued(uow, who)
    confirmation = queued(uow, who, kind="stop_ack", priority=PRIORITY_REPLY)

    send_all(uow, FakeProvider())

    assert (invitation.status, confirmation.status) == ("suppressed", "accepted")


def test_bulk_texts_wait_for_their_trials_window_and_replies_do_not(
    uow: FakeMessagingUnitOfWork,
) -> None:
    trial = a_trial(uow)
    settings = uow.trials.trial_settings(trial)
    assert settings is not None
    closed_now = datetime.now(UTC) + timedelta(hours=12)
    window = SendingWindow.parse(
        "mon-sun", closed_now.strftime("%H:00"), closed_now.strftime("%H:30")
    )
    uow.store.trials[trial] = dataclasses.replace(settings, window=window)
    bulk = queued(uow, a_contact(uow), trial_id=trial)
    reply = queued(uow, a_contact(uow), trial_id=trial, kind="yes_ack", priority=PRIORITY_REPLY)

    send_all(uow, FakeProvider())

    assert bulk.status == "queued" and bulk.not_before is not None
    assert reply.status == "accepted"


def test_a_call_waits_for_its_trials_window_as_a_text_does(uow: FakeMessagingUnitOfWork) -> None:
    trial = a_trial(uow)
    settings = uow.trials.trial_settings(trial)
    assert settings is not None
    opens = datetime.now(UTC) + timedelta(hours=12)
    window = SendingWindow.parse("mon-sun", opens.strftime("%H:00"), opens.strftime("%H:30"))
    uow.store.trials[trial] = dataclasses.replace(settings, window=window)
    call = queued(uow, a_contact(uow), trial_id=trial, channel="voice")

    assert send_all(uow, FakeProvider()) == 0

    assert call.status == "queued" and call.attempts == 0
    assert call.not_before is not None and call.not_before > datetime.now(UTC)
    assert window.is_open(call.not_before), "put off until the window opens"


def test_a_provider_that_says_the_number_opted_out_fails_the_text_and_stops_the_number(
    uow: FakeMessagingUnitOfWork,
) -> None:
    who = a_contact(uow)
    message = queued(uow, who)
    provider = FakeProvider(fail_next=[("suppress", "21610")])

    send_all(uow, provider)

    assert message.status == "failed" and message.error and message.error.startswith("21610")
    assert who.mobile and uow.suppressions.suppression(who.mobile) is not None
    assert [e["source"] for e in uow.published("messaging.participant.opted_out")] == ["sms"]


def test_a_retryable_error_requeues_and_an_unknown_outcome_is_reconciled_later(
    uow: FakeMessagingUnitOfWork,
) -> None:
    retried, unknown = queued(uow, a_contact(uow)), queued(uow, a_contact(uow))
    provider = FakeProvider(fail_next=[("retry", "20429"), ("unknown", "timeout")])

    send_all(uow, provider)
    assert retried.status == "queued" and retried.not_before is not None
    assert unknown.status == "sending" and unknown.outcome_unknown_at is not None

    assert sending.reconcile(uow, provider, stale_after=timedelta(0)) == 1
    assert unknown.status == "accepted"  # the provider had it: adopted, not sent twice
    assert len(provider.sent) == 1


def test_callbacks_move_texts_forward_only_and_each_move_is_announced(
    uow: FakeMessagingUnitOfWork,
) -> None:
    message = queued(uow, a_contact(uow))
    send_all(uow, FakeProvider())
    sid = message.provider_sid
    callbacks = [
        StatusCallback(message.id, sid, "delivered", None),
        StatusCallback(message.id, sid, "sent", None),  # late and out of order: ignored
        StatusCallback(uuid.uuid4(), "SMunknown", "delivered", None),
    ]

    statuses.store_statuses(uow, callbacks)
    assert statuses.apply_stored(uow) == 3

    assert message.status == "delivered"
    assert [e["status"] for e in uow.published(STATUS)] == ["accepted", "delivered"]
    assert statuses.stored_ids(uow, 10) == []

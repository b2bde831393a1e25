"""Replies through the fakes: STOP at once, acknowledgements, the review inbox."""

from __future__ import annotations

import uuid

import pytest

from services.messaging.domain.opt_in import OptInRequest
from services.messaging.service_layer import replies, review_inbox
from services.messaging.service_layer.replies import InboundSms
from shared.auth.principal import Principal
from shared.errors import NotFound
from tests.support.factories import mobile
from tests.support.fakes.messaging import FakeMessagingUnitOfWork
from tests.support.fakes.messaging_world import PRACTICE, someone_invited

OUR_NUMBER = "+447700900000"
REPLY = "messaging.reply.received"
OPTED_OUT = "messaging.participant.opted_out"
STAFF = Principal(uuid.uuid4(), "Sam", "staff", frozenset({PRACTICE}))


def text(uow: FakeMessagingUnitOfWork, number: str, body: str) -> str | None:
    return replies.receive(uow, InboundSms(f"SM{uuid.uuid4().hex}", number, OUR_NUMBER, body))


def kinds_to(uow: FakeMessagingUnitOfWork, number: str) -> list[str]:
    queued = (m for m in uow.store.messages.values() if m.to == number and m.status == "queued")
    return sorted(m.kind for m in queued)


def test_stop_suppresses_the_number_tells_every_service_and_is_confirmed_once(
    uow: FakeMessagingUnitOfWork,
) -> None:
    contact, number, _trial = someone_invited(uow)

    assert text(uow, number, "STOP") == "stop"
    assert text(uow, number, "stop") == "stop"

    stopped = uow.suppressions.suppression(number)
    assert stopped is not None and stopped.participant_id == contact.participant_id
    assert [e["participant_id"] for e in uow.published(OPTED_OUT)] == [
        str(contact.participant_id)
    ] * 2
    assert [e["intent"] for e in uow.published(REPLY)] == ["stop", "stop"]
    assert kinds_to(uow, number) == ["stop_ack"]


def test_stop_in_urdu_suppresses_the_number(uow: FakeMessagingUnitOfWork) -> None:
    _, number, _ = someone_invited(uow, "ur")

    assert text(uow, number, "بند کریں") == "stop"

    assert uow.suppressions.suppression(number) is not None


def test_stop_from_a_number_no_text_reached_still_stops_it_but_tells_no_practice(
    uow: FakeMessagingUnitOfWork,
) -> None:
    number = mobile()

    text(uow, number, "STOP")

    assert uow.suppressions.suppression(number) is not None
    assert uow.published(REPLY) == [] and kinds_to(uow, number) == []
    [stored] = uow.store.inbound.values()
    assert stored.participant_id is None and stored.intent == "stop"


def test_a_repeated_message_sid_is_handled_once(uow: FakeMessagingUnitOfWork) -> None:
    _, number, _ = someone_invited(uow)
    sms = InboundSms("SM-once", number, OUR_NUMBER, "Yes")

    assert replies.receive(uow, sms) == "yes"
    assert replies.receive(uow, sms) is None

    assert len(uow.store.inbound) == 1 and len(uow.published(REPLY)) == 1


def test_yes_is_answered_and_announced_with_its_trial_and_channel(
    uow: FakeMessagingUnitOfWork,
) -> None:
    _, number, trial = someone_invited(uow)

    text(uow, number, "Yes please!")

    [event] = uow.published(REPLY)
    assert (event["trial_id"], event["intent"], event["channel"]) == (str(trial), "yes", "sms")
    assert kinds_to(uow, number) == ["yes_ack"]


def test_a_held_invitation_starts_no_conversation(uow: FakeMessagingUnitOfWork) -> None:
    _, number, _ = someone_invited(uow, status="held")

    text(uow, number, "Yes")

    assert uow.published(REPLY) == []


def test_an_unclear_reply_is_asked_about_once_and_waits_for_staff(
    uow: FakeMessagingUnitOfWork,
) -> None:
    _, number, _ = someone_invited(uow)

    assert text(uow, number, "maybe next month") == "unknown"
    text(uow, number, "not sure yet")

    assert kinds_to(uow, number) == ["unclear_ack"]
    inbox = [row[0].body for row in uow.conversations.unclear_inbox(None, 10)]
    assert inbox == ["maybe next month", "not sure yet"]


def test_start_lifts_the_stop_and_confirms_the_practice_request(
    uow: FakeMessagingUnitOfWork,
) -> None:
    contact, number, _ = someone_invited(uow)
    text(uow, number, "STOP")
    request = OptInRequest(number, contact.participant_id, contact.practice_ods, "staff")
    uow.conversations.add_opt_in_request(request)

    assert text(uow, number, "START") == "start"

    assert uow.suppressions.suppression(number) is None
    assert request.confirmed_at is not None
    assert [e["source"] for e in uow.published("messaging.participant.opted_in")] == ["sms"]
    assert kinds_to(uow, number) == ["start_ack", "stop_ack"]


def test_a_stop_tells_the_others_the_channel_it_came_by(uow: FakeMessagingUnitOfWork) -> None:
    """Consent's reach by channel counts the answer where it came (issue 17): a WhatsApp STOP
    is not a text's."""
    _, number, trial = someone_invited(uow)
    replies.receive(uow, InboundSms("SM-wa-stop", number, OUR_NUMBER, "STOP", "whatsapp"))

    [opted_out] = uow.published(OPTED_OUT)
    assert (opted_out["source"], opted_out["channel"]) == ("whatsapp", "whatsapp")
    assert opted_out["trial_id"] == str(trial)  # the answer counts in this trial's reach


def test_a_reply_staff_read_as_stop_keeps_the_channel_the_patient_used(
    uow: FakeMessagingUnitOfWork,
) -> None:
    _, number, _ = someone_invited(uow)
    replies.receive(uow, InboundSms("SM-wa-unclear", number, OUR_NUMBER, "hmm", "whatsapp"))
    [inbound] = uow.store.inbound.values()

    review_inbox.set_intent(uow, STAFF, inbound.id, "stop")

    [opted_out] = uow.published(OPTED_OUT)
    assert (opted_out["source"], opted_out["channel"]) == ("staff", "whatsapp")


def test_staff_of_another_practice_find_no_reply_to_review(uow: FakeMessagingUnitOfWork) -> None:
    _, number, _ = someone_invited(uow)
    text(uow, number, "hmm")
    [inbound] = uow.store.inbound.values()
    elsewhere = Principal(uuid.uuid4(), "Kim", "staff", frozenset({"Y00001"}))

    with pytest.raises(NotFound):
        review_inbox.set_intent(uow, elsewhere, inbound.id, "stop")
    with pytest.raises(NotFound):
        review_inbox.make_callback(uow, elsewhere, inbound.id, None)

    assert uow.suppressions.suppression(number) is None and uow.published(OPTED_OUT) == []

"""Choosing each patient's channel and running a trial's cascade, on in-memory fakes and a
controllable clock: SMS and WhatsApp steps, and voice steps queued for the sender (decision
30). Letter steps: test_cascade_letters.py."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from services.messaging.domain.batches import Batch
from services.messaging.domain.cascade import Cascade, Step
from services.messaging.domain.model import Contact, InboundMessage, Message, Suppression
from services.messaging.domain.templates import DEFAULT_SCOPE, Template
from services.messaging.domain.whatsapp import WhatsAppOptIn, WhatsAppTemplate
from services.messaging.service_layer import cascades, invitations
from shared.events.commands import InvitationsRequested
from tests.support.fakes.messaging import FakeMessagingUnitOfWork as FakeUnitOfWork

T0 = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
TRIAL = uuid.uuid4()
CONTENT_SID = "HX" + "b" * 32


@pytest.fixture
def uow() -> FakeUnitOfWork:
    fake = FakeUnitOfWork()
    fake.trials.save_trial(TRIAL, "AF-SCREEN", "A heart rhythm study")
    for kind, body in (
        ("invitation", "{short_name}: would you take part? Reply YES or NO"),
        ("reminder", "{short_name}: a reminder. Reply YES or NO"),
    ):
        fake.templates.add_template(Template(DEFAULT_SCOPE, kind, "en", 1, body, True))
    fake.whatsapp.add_template(
        WhatsAppTemplate(
            "invitation",
            "en",
            CONTENT_SID,
            "{{1}}: would you take part? Reply YES or NO",
            ["short_name"],
            "approved",
        )
    )
    return fake


def patient(
    uow: FakeUnitOfWork, mobile: str | None, preferred: str | None = None, opted_in: bool = False
) -> uuid.UUID:
    contact = Contact(
        uuid.uuid4(), "M85001", mobile, mobile is not None, "en", preferred_channel=preferred
    )
    uow.contacts.add(contact)
    if opted_in and mobile:
        uow.whatsapp.add_opt_in(
            WhatsAppOptIn(mobile, contact.participant_id, T0, "in_person", "staff")
        )
    return contact.participant_id


def invite(uow: FakeUnitOfWork, *people: uuid.UUID) -> dict[uuid.UUID, Message]:
    batch_id = uuid.uuid4()
    uow.batches.add_batch(
        Batch(id=batch_id, trial_id=TRIAL, practice_ods="M85001", chunks=1, status="approved")
    )
    invitations.queue_invitations(
        uow,
        InvitationsRequested(batch_id, TRIAL, "M85001", 0, 1, people),
    )
    return {m.participant_id: m for m in uow.store.messages.values() if m.batch_id == batch_id}


def test_each_invitation_goes_by_the_preferred_channel_when_it_can(uow: FakeUnitOfWork) -> None:
    texter = patient(uow, "+447700900001")
    whatsapper = patient(uow, "+447700900002", "whatsapp", opted_in=True)
    no_opt_in = patient(uow, "+447700900003", "whatsapp")
    no_address = patient(uow, None, "letter")  # prefers post, but no address is known
    by_phone = patient(uow, "+447700900004", "voice")
    unreachable = patient(uow, None)
    sent = invite(uow, texter, whatsapper, no_opt_in, no_address, by_phone, unreachable)
    assert {p: m.channel for p, m in sent.items()} == {
        texter: "sms",
        whatsapper: "whatsapp",
        no_opt_in: "sms",  # no recorded opt-in: never WhatsApp
        by_phone: "voice",
    }  # letters go only to a known address (decision 0029: tests/unit/messaging/test_letters.py)
    assert no_address not in sent

    whatsapp = sent[whatsapper]
    assert whatsapp.content_sid == CONTENT_SID
    assert whatsapp.content_variables == '{"1": "AF-SCREEN"}'
    assert whatsapp.body == "AF-SCREEN: would you take part? Reply YES or NO"


def last_message(uow: FakeUnitOfWork) -> Message:
    return list(uow.store.messages.values())[-1]


def _set_status(uow: FakeUnitOfWork, message_id: uuid.UUID, status: str) -> None:
    found = uow.messages.message(message_id)
    assert found is not None
    found.status = status


def test_sms_then_two_calls_on_a_controllable_clock(uow: FakeUnitOfWork) -> None:
    """The letter step after them: tests/unit/messaging/test_cascade_letters.py."""
    uow.cascades.add(
        Cascade(TRIAL, [Step("sms", 7 * 24), Step("voice", 24, tries=2), Step("letter", 14 * 24)])
    )
    person = patient(uow, "+447700900011")
    first = invite(uow, person)[person]
    assert first.channel == "sms"
    [started] = uow.published("messaging.cascade.started")
    assert (started["channel"], started["step"]) == ("sms", 0)

    _set_status(uow, first.id, "delivered")
    assert cascades.advance(uow, T0) == 0  # the clock starts: seven days from now
    assert cascades.advance(uow, T0 + timedelta(days=6)) == 0
    assert cascades.advance(uow, T0 + timedelta(days=7)) == 1
    call = last_message(uow)
    assert (call.channel, call.kind, call.status, call.to) == (
        "voice",
        "invitation",
        "queued",
        "+447700900011",
    )
    # The call could not reach the patient: a second call, then (no address known) the end.
    _set_status(uow, call.id, "failed")
    # Rung again after the trial's call-retry delay (two hours), not at once.
    assert cascades.advance(uow, T0 + timedelta(days=7, hours=1)) == 0
    assert cascades.advance(uow, T0 + timedelta(days=7, hours=3)) == 1
    second_call = last_message(uow)
    assert second_call.channel == "voice" and second_call.id != call.id
    _set_status(uow, second_call.id, "no-answer")
    assert cascades.advance(uow, T0 + timedelta(days=7, hours=4)) == 1
    steps = uow.published("messaging.cascade.step_taken")
    assert [(s["channel"], s["attempt"], s["step"]) for s in steps] == [
        ("voice", 1, 1),
        ("voice", 2, 1),
    ]
    [ended] = uow.published("messaging.cascade.ended")
    assert (ended["outcome"], ended["channel"]) == ("exhausted", "voice")
    assert cascades.advance(uow, T0 + timedelta(days=60)) == 0  # nothing more


def test_whatsapp_then_a_text_reminder_and_a_reply_ends_it(uow: FakeUnitOfWork) -> None:
    uow.cascades.add(Cascade(TRIAL, [Step("whatsapp", 48, tries=2), Step("sms", 72)]))
    person = patient(uow, "+447700900021", opted_in=True)
    first = invite(uow, person)[person]
    assert first.channel == "whatsapp" and first.content_sid == CONTENT_SID
    _set_status(uow, first.id, "delivered")
    cascades.advance(uow, T0)
    assert cascades.advance(uow, T0 + timedelta(hours=48)) == 1
    retry = last_message(uow)
    # A retry is the trial's reminder, on WhatsApp: free-form, so the sender applies the
    # session window (no reminder template approved: it will not go outside the window).
    assert (retry.channel, retry.kind, retry.content_sid) == ("whatsapp", "reminder", None)
    _set_status(uow, retry.id, "failed")
    assert cascades.advance(uow, T0 + timedelta(hours=49)) == 1
    text = last_message(uow)
    assert (text.channel, text.kind) == ("sms", "invitation")
    _set_status(uow, text.id, "delivered")
    uow.replies.add(
        InboundMessage(
            "SM1",
            "+447700900021",
            "+447700900000",
            "yes",
            person,
            TRIAL,
            received_at=T0 + timedelta(hours=50),
        )
    )
    assert cascades.advance(uow, T0 + timedelta(hours=51)) == 1
    [ended] = uow.published("messaging.cascade.ended")
    assert ended["outcome"] == "answered"


def test_stop_ends_the_cascade_on_every_channel(uow: FakeUnitOfWork) -> None:
    uow.cascades.add(Cascade(TRIAL, [Step("sms", 24), Step("letter", 24)]))
    person = patient(uow, "+447700900031")
    first = invite(uow, person)[person]
    _set_status(uow, first.id, "delivered")
    uow.suppressions.add(Suppression("+447700900031", "replied STOP"))
    assert cascades.advance(uow, T0 + timedelta(days=2)) == 1
    [ended] = uow.published("messaging.cascade.ended")
    assert ended["outcome"] == "stopped"
    assert all(m.channel != "letter" for m in uow.store.messages.values())


def test_a_landline_is_called_when_the_patient_asked_for_a_call_and_never_texted(
    uow: FakeUnitOfWork,
) -> None:
    asked_for_a_call = patient(uow, "+441214960001", "voice")
    no_preference = patient(uow, "+441214960002")
    for landline in (asked_for_a_call, no_preference):
        uow.store.contacts[landline].textable = False

    sent = invite(uow, asked_for_a_call, no_preference)

    assert {p: (m.channel, m.to) for p, m in sent.items()} == {
        asked_for_a_call: ("voice", "+441214960001")
    }

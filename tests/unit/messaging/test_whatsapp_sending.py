"""The session-window rule as the sender applies it to a WhatsApp message it claims, and
the admin's template and opt-in use cases, on in-memory fakes (decision 30)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from services.messaging.domain.model import Contact, InboundMessage, Message
from services.messaging.domain.whatsapp import WhatsAppTemplate
from services.messaging.service_layer import whatsapp
from shared.auth.principal import Principal
from shared.errors import InvalidInput, NotFound
from tests.support.fakes.messaging import FakeMessagingUnitOfWork as FakeUnitOfWork

AT = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
TRIAL = uuid.uuid4()
NUMBER = "+447700900123"
SID = "HX" + "c" * 32


def ack(kind: str = "yes_ack", content_sid: str | None = None) -> Message:
    return Message(
        uuid.uuid4(),
        NUMBER,
        "Thank you",
        kind,
        0,
        TRIAL,
        channel="whatsapp",
        language="en",
        content_sid=content_sid,
    )


def last_heard(uow: FakeUnitOfWork, at: datetime) -> None:
    """The patient's last WhatsApp message, which opens the 24-hour session window."""
    uow.replies.add(
        InboundMessage("SM1", NUMBER, "+447700900000", "hi", channel="whatsapp", received_at=at)
    )


@pytest.fixture
def uow() -> FakeUnitOfWork:
    fake = FakeUnitOfWork()
    fake.trials.save_trial(TRIAL, "AF-SCREEN", "A heart rhythm study")
    return fake


def test_free_form_goes_inside_the_session_window(uow: FakeUnitOfWork) -> None:
    last_heard(uow, AT - timedelta(hours=2))
    message = ack()
    assert whatsapp.prepare(uow, message, AT) is None
    assert message.content_sid is None and message.body == "Thank you"


def test_outside_the_window_nothing_goes_without_an_approved_template(
    uow: FakeUnitOfWork,
) -> None:
    last_heard(uow, AT - timedelta(hours=25))
    assert whatsapp.prepare(uow, ack(), AT) == whatsapp.OUTSIDE_SESSION
    uow.whatsapp.add_template(
        WhatsAppTemplate("yes_ack", "en", SID, "{{1}}: thank you", ["short_name"], "pending")
    )
    assert whatsapp.prepare(uow, ack(), AT) == whatsapp.OUTSIDE_SESSION


def test_outside_the_window_the_kinds_approved_template_goes_instead(
    uow: FakeUnitOfWork,
) -> None:
    uow.whatsapp.add_template(
        WhatsAppTemplate("yes_ack", "en", SID, "{{1}}: thank you", ["short_name"], "approved")
    )
    message = ack()
    assert whatsapp.prepare(uow, message, AT) is None
    assert message.content_sid == SID
    assert message.body == "AF-SCREEN: thank you"


def test_a_template_withdrawn_after_queueing_is_not_sent(uow: FakeUnitOfWork) -> None:
    template = WhatsAppTemplate("invitation", "en", SID, "Hi {{1}}", ["short_name"], "approved")
    uow.whatsapp.add_template(template)
    assert whatsapp.prepare(uow, ack("invitation", SID), AT) is None
    template.approval = "paused"
    assert whatsapp.prepare(uow, ack("invitation", SID), AT) is not None


def test_a_template_is_checked_field_by_field() -> None:
    with pytest.raises(InvalidInput) as caught:
        whatsapp.save_template(
            FakeUnitOfWork(),
            "admin",
            "nonsense",
            "xx-nowhere",
            "SM123",
            "Hi {{2}}",
            ["short_name", "bank_details"],
            "maybe",
        )
    fields = {e.field for e in caught.value.errors or []}
    assert fields == {"kind", "language", "content_sid", "approval", "variables", "body"}


def test_an_opt_in_is_recorded_only_by_the_patients_practice(uow: FakeUnitOfWork) -> None:
    person = uuid.uuid4()
    uow.contacts.add(Contact(person, "M85001", NUMBER, True, "en"))
    other = Principal(uuid.uuid4(), "staff B", "staff", frozenset({"N81002"}))
    with pytest.raises(NotFound):
        whatsapp.record_opt_in(uow, other, person, "in_person")
    staff = Principal(uuid.uuid4(), "staff A", "staff", frozenset({"M85001"}))
    with pytest.raises(InvalidInput):
        whatsapp.record_opt_in(uow, staff, person, "carrier pigeon")
    agreed = datetime.now(UTC) - timedelta(days=1)
    found = whatsapp.record_opt_in(uow, staff, person, "paper_form", agreed, " signed ")
    assert (found.mobile, found.how, found.agreed_at, found.note) == (
        NUMBER,
        "paper_form",
        agreed,
        "signed",
    )
    assert uow.whatsapp.opt_in(NUMBER) is found


def test_an_opt_in_turns_a_held_invitation_into_the_approved_template(
    uow: FakeUnitOfWork,
) -> None:
    person = uuid.uuid4()
    uow.contacts.add(Contact(person, "M85001", NUMBER, True, "en", preferred_channel="whatsapp"))
    uow.whatsapp.add_template(
        WhatsAppTemplate("invitation", "en", SID, "{{1}}: take part?", ["short_name"], "approved")
    )
    held = Message(person, NUMBER, "A text", "invitation", 2, TRIAL, status="held", language="en")
    sent = Message(person, NUMBER, "A text", "invitation", 2, TRIAL, status="sent", language="en")
    uow.messages.add(held)
    uow.messages.add(sent)
    staff = Principal(uuid.uuid4(), "staff A", "staff", frozenset({"M85001"}))
    whatsapp.record_opt_in(uow, staff, person, "in_person")
    assert (held.channel, held.content_sid, held.body) == ("whatsapp", SID, "AF-SCREEN: take part?")
    assert (sent.channel, sent.content_sid) == ("sms", None)  # what went, went

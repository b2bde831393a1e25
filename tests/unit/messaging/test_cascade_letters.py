"""A trial cascade's letter step on the in-memory fakes and a controllable clock: a text, two
calls nobody answers, then the same printable letter a letter batch makes (the patient's
language, large print, link and code from consent, in the invitation's batch for staff to
print and post), one per step however often the job runs; STOP wins (decision 30)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from services.messaging.adapters.letter_ports import FakeRecipients
from services.messaging.domain.batches import Batch
from services.messaging.domain.cascade import Cascade, Step
from services.messaging.domain.letters import Letter
from services.messaging.domain.model import Contact, Message, Suppression
from services.messaging.domain.templates import DEFAULT_SCOPE, Template
from services.messaging.domain.trial_settings import TrialSettings
from services.messaging.service_layer import (
    call_retries,
    cascades,
    invitations,
    letter_printing,
    letters,
)
from shared import i18n
from shared.auth.principal import Principal
from shared.documents import letter_words
from shared.errors import Conflict, InvalidInput
from shared.events.commands import InvitationsRequested, NotificationRequested
from tests.support.fakes.messaging import FakeMessagingUnitOfWork
from tests.support.fakes.messaging_letters import FakeRenderer, a_recipient

T0 = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
ODS = "M85001"
TRIAL = uuid.uuid4()
STAFF = Principal(uuid.uuid4(), "staff", "staff", practices=frozenset({ODS}))
MOBILE = "+447700900011"
LINK = "https://consent.example/c/tok"
SHORT = "https://consent.example/l/ABCD-EFGH-JKMN"


@pytest.fixture
def uow() -> FakeMessagingUnitOfWork:
    fake = FakeMessagingUnitOfWork()
    fake.store.trials[TRIAL] = TrialSettings(TRIAL, "AF-SCREEN", "A heart rhythm study")
    for kind in ("invitation", "reminder"):
        fake.templates.add_template(
            Template(DEFAULT_SCOPE, kind, "en", 1, "{short_name}: reply YES or NO", True)
        )
    fake.cascades.add(
        Cascade(TRIAL, [Step("sms", 7 * 24), Step("voice", 24, tries=2), Step("letter", 336)])
    )
    return fake


def a_patient(uow: FakeMessagingUnitOfWork, postal: bool = True) -> Contact:
    contact = Contact(uuid.uuid4(), ODS, MOBILE, True, "ur", postal=postal, large_print=True)
    uow.contacts.add(contact)
    return contact


def invite(uow: FakeMessagingUnitOfWork, contact: Contact) -> Message:
    batch = Batch(uuid.uuid4(), TRIAL, ODS, 1, status="approved")
    uow.batches.add_batch(batch)
    invitations.queue_invitations(
        uow, InvitationsRequested(batch.id, TRIAL, ODS, 0, 1, (contact.participant_id,))
    )
    [text] = uow.store.messages.values()
    return text


# The trial's call-retry delay (TrialSettings.call_retry_delay): how long a cascade waits
# before ringing a phone nobody answered again.
CALL_RETRY_DELAY = timedelta(hours=2)


def newest(uow: FakeMessagingUnitOfWork) -> Message:
    return list(uow.store.messages.values())[-1]


def through_two_unanswered_calls(
    uow: FakeMessagingUnitOfWork,
    contact: Contact,
    calls: tuple[tuple[str, str | None], ...] = (("no-answer", None), ("busy", None)),
) -> Message:
    """SMS delivered, no reply for seven days; the first call not answered, the second busy
    (or as `calls` say: status and AnsweredBy). Returns the last message the cascade made."""
    text = invite(uow, contact)
    text.status = "delivered"
    assert cascades.advance(uow, T0) == 0  # the seven days start
    assert cascades.advance(uow, T0 + timedelta(days=6)) == 0
    assert cascades.advance(uow, T0 + timedelta(days=7)) == 1
    later = T0 + timedelta(days=7)
    for tried, (ended, answered_by) in enumerate(calls, start=1):
        call = newest(uow)
        assert (call.channel, call.to) == ("voice", MOBILE)
        call.status, call.answered_by = ended, answered_by
        later += timedelta(minutes=5)
        if tried < len(calls):  # rung again after the trial's call-retry delay, not at once
            assert cascades.advance(uow, later) == 0
            later += CALL_RETRY_DELAY
        # A call nobody took counts as a try at once: no wait for the step's time.
        assert cascades.advance(uow, later) == 1
    return newest(uow)


def consent_answers(uow: FakeMessagingUnitOfWork) -> None:
    for asked in uow.published(letters.REQUESTED):
        letters.attach_link(
            uow,
            NotificationRequested(
                uuid.uuid4(),
                uuid.UUID(asked["participant_id"]),
                uuid.UUID(asked["trial_id"]),
                "letter_link",
                LINK,
                code="482913",
                message_id=uuid.UUID(asked["message_id"]),
                short_link=SHORT,
            ),
        )


def test_the_letter_step_makes_the_letter_a_batch_would_and_staff_print_and_post_it(
    uow: FakeMessagingUnitOfWork,
) -> None:
    contact = a_patient(uow)
    letter = through_two_unanswered_calls(uow, contact)
    assert (letter.channel, letter.status, letter.to, letter.language) == (
        "letter", "queued", "post", "ur",
    )  # fmt: skip
    row = uow.letters.letter(letter.id)
    assert row is not None and row.batch_id == letter.batch_id
    assert (row.language, row.large_print, row.cascade_step, row.cascade_attempt) == (
        "ur", True, 2, 1,
    )  # fmt: skip
    [asked] = uow.published(letters.REQUESTED)  # consent makes its link and one-time code
    assert asked == {
        "message_id": str(letter.id),
        "participant_id": str(contact.participant_id),
        "trial_id": str(TRIAL),
    }
    steps = uow.published("messaging.cascade.step_taken")
    assert [(s["channel"], s["attempt"]) for s in steps] == [
        ("voice", 1), ("voice", 2), ("letter", 1),
    ]  # fmt: skip

    consent_answers(uow)
    batch_id = letter.batch_id
    assert batch_id is not None
    preview = letters.preview(uow, STAFF, batch_id, letters.LetterPricing(0.85, "GBP"))
    assert (preview.letters, preview.large_print, preview.stages["to_print"]) == (1, 1, 1)
    renderer = FakeRenderer()
    directory = FakeRecipients({contact.participant_id: a_recipient("Nasreen Akhtar")})
    made = letter_printing.printable(uow, STAFF, batch_id, directory, renderer)
    assert made.letters == 1 and directory.asked == [contact.participant_id]
    [html] = renderer.documents
    assert i18n.gettext("ur", letter_words.HEADING) in html
    assert i18n.gettext("ur", letter_words.SLIP) in html
    assert f"data-qr='{LINK}'" in html and SHORT in html and "482 913" in html
    assert "Nasreen Akhtar" in html and "Lozells Surgery" in html and 'class="letter large"' in html

    assert letters.mark_printed(uow, STAFF, batch_id) == 1
    assert letters.mark_posted(uow, STAFF, batch_id) == 1
    moved = [
        e for e in uow.published("messaging.message.status_changed") if e["channel"] == "letter"
    ]
    assert [e["status"] for e in moved] == ["accepted", "sent"]


def test_running_the_job_again_makes_no_second_letter(uow: FakeMessagingUnitOfWork) -> None:
    letter = through_two_unanswered_calls(uow, a_patient(uow))
    for later in (5, 6, 60):
        cascades.advance(uow, T0 + timedelta(days=7, minutes=later))
    assert [m.id for m in uow.store.messages.values() if m.channel == "letter"] == [letter.id]
    assert len(uow.published(letters.REQUESTED)) == 1
    # The step's letter is unique, as the table's key makes it (migration 0016).
    row = uow.letters.letter(letter.id)
    assert row is not None and row.cascade_run_id is not None
    again = Letter(uuid.uuid4(), row.batch_id, row.participant_id, TRIAL, "ur")
    again.cascade_run_id, again.cascade_step, again.cascade_attempt = row.cascade_run_id, 2, 1
    with pytest.raises(ValueError, match="one letter per cascade step"):
        uow.letters.add_all([again])


def test_stop_by_text_means_no_call_and_no_letter(uow: FakeMessagingUnitOfWork) -> None:
    text = invite(uow, a_patient(uow))
    text.status = "delivered"
    cascades.advance(uow, T0)
    uow.suppressions.add(Suppression(MOBILE, "replied STOP"))
    assert cascades.advance(uow, T0 + timedelta(days=8)) == 1
    [ended] = uow.published("messaging.cascade.ended")
    assert ended["outcome"] == "stopped"
    assert [m.channel for m in uow.store.messages.values()] == ["sms"]
    assert uow.store.letters == {} and uow.published(letters.REQUESTED) == []


def test_a_stop_after_the_letter_was_made_keeps_it_from_the_printer(
    uow: FakeMessagingUnitOfWork,
) -> None:
    contact = a_patient(uow)
    letter = through_two_unanswered_calls(uow, contact)
    consent_answers(uow)
    uow.suppressions.add(Suppression(MOBILE, "replied STOP"))
    assert letter.batch_id is not None
    directory = FakeRecipients({contact.participant_id: a_recipient()})
    with pytest.raises(Conflict):
        letter_printing.printable(uow, STAFF, letter.batch_id, directory, FakeRenderer())
    assert letter.status == "suppressed" and directory.asked == []  # no address fetched


def test_no_address_means_no_letter_step(uow: FakeMessagingUnitOfWork) -> None:
    last = through_two_unanswered_calls(uow, a_patient(uow, postal=False))
    assert last.channel == "voice"
    [ended] = uow.published("messaging.cascade.ended")
    assert ended["outcome"] == "exhausted" and uow.store.letters == {}


def test_the_cascade_not_the_calls_retry_rule_rings_again(uow: FakeMessagingUnitOfWork) -> None:
    text = invite(uow, a_patient(uow))
    text.status = "delivered"
    cascades.advance(uow, T0)
    cascades.advance(uow, T0 + timedelta(days=7))
    call = newest(uow)
    call.status = "no-answer"
    assert call_retries.ring_again(uow, [call.id]) == 0  # the step's second try will
    assert cascades.advance(uow, T0 + timedelta(days=7, minutes=1)) == 0  # not at once
    assert cascades.advance(uow, T0 + timedelta(days=7, minutes=1) + CALL_RETRY_DELAY) == 1
    assert [m.channel for m in uow.store.messages.values()] == ["sms", "voice", "voice"]


def test_the_clock_moves_only_forward_and_only_where_allowed(
    uow: FakeMessagingUnitOfWork,
) -> None:
    text = invite(uow, a_patient(uow))
    text.status = "delivered"
    now = datetime.now(UTC)
    assert cascades.run_due(uow, None, movable=False, now=now) == 0  # the wait starts now
    week = now + timedelta(days=7, hours=1)
    with pytest.raises(Conflict, match="CASCADE_CLOCK_MOVABLE"):
        cascades.run_due(uow, week, movable=False, now=now)
    with pytest.raises(InvalidInput, match="only moves forward"):
        cascades.run_due(uow, now - timedelta(hours=1), movable=True, now=now)
    assert cascades.run_due(uow, week, movable=True, now=now) == 1
    assert newest(uow).channel == "voice"


def test_two_calls_a_machine_took_are_two_tries_and_the_letter_follows_at_once(
    uow: FakeMessagingUnitOfWork,
) -> None:
    """The voicemail was left, but nobody heard the invitation or could press a key: a try
    that did not reach the patient, as the trial's call retries count it (decision 30)."""
    voicemail = ("completed", "machine_end_beep")
    letter = through_two_unanswered_calls(uow, a_patient(uow), calls=(voicemail, voicemail))

    assert letter.channel == "letter"
    steps = uow.published("messaging.cascade.step_taken")
    assert [(s["channel"], s["attempt"]) for s in steps] == [
        ("voice", 1), ("voice", 2), ("letter", 1),
    ]  # fmt: skip


def test_a_call_the_patient_answered_waits_the_steps_time(uow: FakeMessagingUnitOfWork) -> None:
    text = invite(uow, a_patient(uow))
    text.status = "delivered"
    cascades.advance(uow, T0)
    cascades.advance(uow, T0 + timedelta(days=7))
    call = newest(uow)
    call.status, call.answered_by = "completed", "human"

    assert cascades.advance(uow, T0 + timedelta(days=7, minutes=5)) == 0  # its day starts
    assert cascades.advance(uow, T0 + timedelta(days=7, hours=23)) == 0
    assert cascades.advance(uow, T0 + timedelta(days=8, minutes=6)) == 1
    assert [m.channel for m in uow.store.messages.values()] == ["sms", "voice", "voice"]

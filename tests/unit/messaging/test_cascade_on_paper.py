"""A cascade that starts on paper (issue 17): a patient no text can reach, invited by letter,
is on the trial's cascade from that letter, whose wait starts once it is posted; then a call
to their landline. One run and one letter however often the job runs or the patient is
invited again; STOP wins (decision 30). On the in-memory fakes and a controllable clock."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from services.messaging.domain.batches import Batch
from services.messaging.domain.cascade import Cascade, Step
from services.messaging.domain.model import Contact, Message, Suppression
from services.messaging.domain.templates import DEFAULT_SCOPE, Template
from services.messaging.domain.trial_settings import TrialSettings
from services.messaging.service_layer import cascades, invitations, letters
from shared.auth.principal import Principal
from shared.events.commands import InvitationsRequested, NotificationRequested
from tests.support.fakes.messaging import FakeMessagingUnitOfWork

T0 = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
ODS = "M85001"
TRIAL = uuid.uuid4()
STAFF = Principal(uuid.uuid4(), "staff", "staff", practices=frozenset({ODS}))
LANDLINE = "+441214960011"
STARTED, STEP, ENDED = (
    "messaging.cascade.started",
    "messaging.cascade.step_taken",
    "messaging.cascade.ended",
)


def a_uow(*steps: Step) -> FakeMessagingUnitOfWork:
    fake = FakeMessagingUnitOfWork()
    fake.store.trials[TRIAL] = TrialSettings(TRIAL, "AF-SCREEN", "A heart rhythm study")
    for kind in ("invitation", "reminder"):
        fake.templates.add_template(
            Template(DEFAULT_SCOPE, kind, "en", 1, "{short_name}: reply YES or NO", True)
        )
    fake.cascades.add(Cascade(TRIAL, list(steps)))
    return fake


LETTER_THEN_CALL = (Step("letter", 14 * 24), Step("voice", 24, tries=2))


@pytest.fixture
def uow() -> FakeMessagingUnitOfWork:
    return a_uow(*LETTER_THEN_CALL)


def landline_only(uow: FakeMessagingUnitOfWork, number: str | None = LANDLINE) -> Contact:
    """An address, and a number that takes calls but no texts (or none at all)."""
    contact = Contact(uuid.uuid4(), ODS, number, False, "en", postal=True)
    uow.contacts.add(contact)
    return contact


def invite(uow: FakeMessagingUnitOfWork, contact: Contact) -> Message:
    batch = Batch(uuid.uuid4(), TRIAL, ODS, 1, status="approved")
    uow.batches.add_batch(batch)
    invitations.queue_invitations(
        uow, InvitationsRequested(batch.id, TRIAL, ODS, 0, 1, (contact.participant_id,))
    )
    [invitation] = [m for m in uow.store.messages.values() if m.batch_id == batch.id]
    return invitation


def print_and_post(uow: FakeMessagingUnitOfWork, letter: Message, post: bool = True) -> None:
    """Consent answers with the link and code (as on the batch's approval); staff print and
    (unless told not to) post it."""
    assert letter.batch_id is not None
    with uow:
        batch = uow.batches.batch(letter.batch_id)
        assert batch is not None
        letters.request_links(uow, batch)
        uow.commit()
    for asked in uow.published(letters.REQUESTED):
        letters.attach_link(
            uow,
            NotificationRequested(
                uuid.uuid4(),
                uuid.UUID(asked["participant_id"]),
                uuid.UUID(asked["trial_id"]),
                "letter_link",
                "https://consent.example/c/tok",
                code="482913",
                message_id=uuid.UUID(asked["message_id"]),
                short_link="https://consent.example/l/ABCD-EFGH-JKMN",
            ),
        )
    assert letters.mark_printed(uow, STAFF, letter.batch_id) == 1
    if post:
        assert letters.mark_posted(uow, STAFF, letter.batch_id) == 1


def channels_of(uow: FakeMessagingUnitOfWork, contact: Contact) -> list[str]:
    mine = (m for m in uow.store.messages.values() if m.participant_id == contact.participant_id)
    return [m.channel for m in mine]


def test_a_letter_invitation_starts_the_cascade_and_a_call_follows_once_it_was_posted(
    uow: FakeMessagingUnitOfWork,
) -> None:
    contact = landline_only(uow)
    letter = invite(uow, contact)
    assert (letter.channel, letter.status) == ("letter", "queued")
    [started] = uow.published(STARTED)
    assert (started["channel"], started["step"], started["message_id"]) == (
        "letter", 0, str(letter.id),
    )  # fmt: skip

    print_and_post(uow, letter, post=False)
    assert cascades.advance(uow, T0 + timedelta(days=30)) == 0  # printed is not posted
    letters.mark_posted(uow, STAFF, letter.batch_id or uuid.uuid4())
    assert cascades.advance(uow, T0) == 0  # posted: the fourteen days start
    assert cascades.advance(uow, T0 + timedelta(days=13)) == 0
    assert cascades.advance(uow, T0 + timedelta(days=14)) == 1

    call = list(uow.store.messages.values())[-1]
    assert (call.channel, call.to, call.batch_id) == ("voice", LANDLINE, letter.batch_id)
    [step] = uow.published(STEP)
    assert (step["channel"], step["step"], step["attempt"]) == ("voice", 1, 1)


def test_one_run_and_one_letter_however_often_the_job_runs_or_the_patient_is_invited(
    uow: FakeMessagingUnitOfWork,
) -> None:
    contact = landline_only(uow)
    letter = invite(uow, contact)
    print_and_post(uow, letter)
    for later in (0, 1, 2, 3):  # the job, again and again, before the wait is over
        cascades.advance(uow, T0 + timedelta(hours=later))
    invite(uow, contact)  # invited again (another batch): the run goes on, no second one

    assert len(uow.published(STARTED)) == 1
    assert channels_of(uow, contact) == ["letter", "letter"]  # the second batch's own letter
    assert uow.published(STEP) == [] and uow.cascades.states(TRIAL) == {"running": 1}


def test_a_stop_from_the_number_ends_the_paper_cascade_before_any_call(
    uow: FakeMessagingUnitOfWork,
) -> None:
    contact = landline_only(uow)
    letter = invite(uow, contact)
    print_and_post(uow, letter)
    cascades.advance(uow, T0)
    uow.suppressions.add(Suppression(LANDLINE, "replied STOP"))  # a key press on a call

    assert cascades.advance(uow, T0 + timedelta(days=15)) == 1

    [ended] = uow.published(ENDED)
    assert ended["outcome"] == "stopped" and channels_of(uow, contact) == ["letter"]


def test_a_number_stopped_before_the_invitation_gets_no_letter_and_no_call(
    uow: FakeMessagingUnitOfWork,
) -> None:
    contact = landline_only(uow)
    uow.suppressions.add(Suppression(LANDLINE, "replied STOP"))

    letter = invite(uow, contact)
    cascades.advance(uow, T0 + timedelta(days=30))

    assert letter.status == "suppressed" and uow.published(letters.REQUESTED) == []
    # No run is started for them, so none has to be ended.
    assert uow.published(STARTED) == [] and uow.published(ENDED) == []
    assert channels_of(uow, contact) == ["letter"] and uow.cascades.states(TRIAL) == {}


def test_a_landline_patient_starts_on_the_cascades_first_step_they_can_be_reached_on() -> None:
    """The cascade starts from the patient's first usable step, as for everyone: here the
    call, with the letter after it, rather than a letter outside the cascade."""
    uow = a_uow(Step("sms", 7 * 24), Step("voice", 24), Step("letter", 14 * 24))
    contact = landline_only(uow)

    call = invite(uow, contact)

    assert (call.channel, call.to) == ("voice", LANDLINE)
    [started] = uow.published(STARTED)
    assert (started["channel"], started["step"]) == ("voice", 1)


def test_with_no_step_that_reaches_them_a_patient_is_still_written_to_but_not_cascaded() -> None:
    uow = a_uow(Step("sms", 7 * 24), Step("whatsapp", 7 * 24))
    contact = landline_only(uow, number=None)

    letter = invite(uow, contact)

    assert letter.channel == "letter" and uow.published(STARTED) == []

"""Callback tasks: the domain's rules, and the use cases on fakes (decision 28)."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from services.messaging.domain.callbacks import (
    OUTCOMES,
    SOURCES,
    CallbackTask,
    needs_interpreter,
    waiting_summary,
)
from services.messaging.domain.model import Contact, InboundMessage, Message
from services.messaging.service_layer import callbacks, contacts
from services.messaging.service_layer.callbacks import RecordNotYetKnown
from services.messaging.service_layer.threads import ReceivedText, SentText
from shared.auth.principal import Principal
from shared.errors import Forbidden, InvalidInput, InvalidTransition, NotFound
from shared.events.commands import CallbackRequested
from shared.events.contracts import CALLBACK_OUTCOMES, CALLBACK_SOURCES, CONTRACTS
from tests.support.fakes.messaging import FakeMessagingUnitOfWork

TRIAL, OTHER_TRIAL = uuid.uuid4(), uuid.uuid4()
T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def staff(name: str = "Sam Patel", practice: str = "M85001") -> Principal:
    return Principal(uuid.uuid4(), name, "staff", practices=frozenset({practice}))


def coordinator(name: str = "Dr Cole", trial: uuid.UUID = TRIAL) -> Principal:
    return Principal(uuid.uuid4(), name, "coordinator", trials=frozenset({trial}))


def a_contact(
    uow: FakeMessagingUnitOfWork, language: str = "en", practice: str = "M85001"
) -> Contact:
    contact = Contact(uuid.uuid4(), practice, "+447400123456", True, language)
    uow.contacts.add(contact)
    return contact


# The domain


@pytest.mark.parametrize(
    ("language", "interpreter"),
    [
        ("syl", True),  # Sylheti: spoken only, texted in Bengali
        ("phr", True),  # Pahari-Pothwari: spoken only, texted in Urdu
        ("ne", True),  # Nepali: no texts of ours, texted in English
        ("ur", False),
        ("en", False),
    ],
)
def test_an_interpreter_is_needed_for_a_spoken_only_language_or_one_without_texts(
    language: str, interpreter: bool
) -> None:
    assert needs_interpreter(language) is interpreter


def test_the_patient_asking_for_an_interpreter_wins() -> None:
    assert needs_interpreter("en", asked=True)


def test_a_second_request_joins_the_open_task_and_keeps_its_place() -> None:
    task = CallbackTask.open(uuid.uuid4(), "M85001", TRIAL, "ur", "sms", at=T0)
    task.asked_again("consent_page", interpreter=True, note="mornings", at=T0 + timedelta(hours=2))
    task.asked_again("sms", at=T0 + timedelta(hours=3))

    assert task.opened_at == T0 and task.requests == 3
    assert task.source_list == ["sms", "consent_page"]
    assert task.interpreter_needed and task.request_note == "mornings"


def test_assign_then_close_records_who_what_and_how_long_the_patient_waited() -> None:
    task = CallbackTask.open(uuid.uuid4(), "M85001", TRIAL, "en", "voice", at=T0)
    task.assign("Ayesha Khan", by="Sam", at=T0 + timedelta(minutes=5))
    assert task.state == "assigned"
    task.close("reached_interested", by="Ayesha Khan", note="keen", at=T0 + timedelta(hours=1))

    assert (task.state, task.outcome, task.outcome_note) == ("closed", "reached_interested", "keen")
    assert task.waited() == timedelta(hours=1)
    with pytest.raises(InvalidTransition):
        task.close("declined", by="Sam")
    with pytest.raises(InvalidTransition):
        task.assign("Sam", by="Sam")
    with pytest.raises(InvalidTransition):
        task.asked_again("sms")


def test_closing_unassigned_means_whoever_recorded_it_made_the_call() -> None:
    task = CallbackTask.open(uuid.uuid4(), "M85001", TRIAL, "en", "sms", at=T0)
    task.close("no_answer", by="Sam", at=T0 + timedelta(minutes=30))
    assert task.assigned_to == "Sam"


@pytest.mark.parametrize("bad", ["maybe", ""])
def test_an_unknown_outcome_is_refused_naming_the_field(bad: str) -> None:
    task = CallbackTask.open(uuid.uuid4(), "M85001", TRIAL, "en", "sms")
    with pytest.raises(InvalidInput) as refused:
        task.close(bad, by="Sam")
    assert refused.value.errors[0].field == "outcome"
    assert task.closed_at is None


def test_a_blank_assignee_is_refused() -> None:
    task = CallbackTask.open(uuid.uuid4(), "M85001", TRIAL, "en", "sms")
    with pytest.raises(InvalidInput):
        task.assign("  ", by="Sam")


def test_waiting_summary_gives_median_and_longest_of_closed_tasks_only() -> None:
    tasks = []
    for hours in (1, 2, 10):
        task = CallbackTask.open(uuid.uuid4(), "M85001", TRIAL, "en", "sms", at=T0)
        task.close("no_answer", by="Sam", at=T0 + timedelta(hours=hours))
        tasks.append(task)
    tasks.append(CallbackTask.open(uuid.uuid4(), "M85001", TRIAL, "en", "sms", at=T0))

    summary = waiting_summary(tasks)

    assert (summary.closed, summary.median, summary.longest) == (
        3,
        timedelta(hours=2),
        timedelta(hours=10),
    )
    assert waiting_summary([]).median is None


def test_the_event_contracts_name_the_same_sources_and_outcomes_as_the_domain() -> None:
    assert (CALLBACK_SOURCES, CALLBACK_OUTCOMES) == (SOURCES, OUTCOMES)


# The use cases


def test_a_request_opens_one_task_announced_once_and_a_second_joins_it() -> None:
    uow = FakeMessagingUnitOfWork()
    contact = a_contact(uow, "syl")

    with uow:  # the caller's transaction: its commit sends what the requests announce
        first = callbacks.request_call(uow, contact, TRIAL, "voice")
        second = callbacks.request_call(uow, contact, TRIAL, "sms")
        other = callbacks.request_call(uow, contact, OTHER_TRIAL, "sms")
        uow.commit()

    assert first is second and other is not first
    assert first.interpreter_needed and first.requests == 2
    opened = uow.published("messaging.callback.opened")
    assert len(opened) == 2
    assert CONTRACTS["messaging.callback.opened"].validate(opened[0]) == {}


def test_the_consent_page_button_before_the_contact_is_known_is_retried() -> None:
    uow = FakeMessagingUnitOfWork()
    data = CallbackRequested(uuid.uuid4(), TRIAL, "ti", ("en",), interpreter=True)
    with pytest.raises(RecordNotYetKnown):
        callbacks.from_consent_page(uow, data)
    assert uow.callbacks.tasks == [] and uow.commits == 0

    contact = a_contact(uow, "ti")
    task_id = callbacks.from_consent_page(
        uow, dataclasses.replace(data, participant_id=contact.participant_id)
    )

    [task] = uow.callbacks.tasks
    assert (task.id, task.sources, task.interpreter_needed) == (task_id, "consent_page", True)


def test_an_erased_patient_gets_no_task() -> None:
    uow = FakeMessagingUnitOfWork()
    contact = a_contact(uow)
    contact.erased = True
    asked = CallbackRequested(contact.participant_id, TRIAL, "en", ("en",), interpreter=True)
    assert callbacks.from_consent_page(uow, asked) is None
    assert uow.callbacks.tasks == []


def test_staff_see_their_practices_tasks_oldest_first_and_not_anothers() -> None:
    uow = FakeMessagingUnitOfWork()
    ours, theirs = a_contact(uow), a_contact(uow, practice="M85002")
    later = callbacks.request_call(uow, ours, TRIAL, "sms")
    earlier = callbacks.request_call(uow, ours, OTHER_TRIAL, "sms")
    earlier.opened_at = later.opened_at - timedelta(hours=1)
    hidden = callbacks.request_call(uow, theirs, TRIAL, "sms")

    listed = callbacks.list_tasks(uow, staff())

    assert [t.id for t in listed] == [earlier.id, later.id]
    with pytest.raises(NotFound):
        callbacks.show_task(uow, staff(), hidden.id)
    with pytest.raises(Forbidden):
        callbacks.list_tasks(uow, staff(), practice_ods="M85002")


def test_a_task_shows_the_conversation_of_that_patient_and_trial_only() -> None:
    uow = FakeMessagingUnitOfWork()
    contact = a_contact(uow)
    pid = contact.participant_id
    link = "https://c.example/" + "a" * 22 + "." + "b" * 22
    uow.messages.add(
        Message(pid, "+447400123456", f"Invitation {link}", "invitation", 2, TRIAL, created_at=T0)
    )
    uow.messages.add(
        Message(pid, "+447400123456", "Other trial", "invitation", 2, OTHER_TRIAL, created_at=T0)
    )
    reply = InboundMessage("SM1", "+447400123456", "+44", "call me", pid, TRIAL, "callback")
    reply.received_at = T0 + timedelta(hours=1)
    uow.replies.add(reply)
    task = callbacks.request_call(uow, contact, TRIAL, "sms")

    shown = callbacks.show_task(uow, staff(), task.id)

    assert shown.conversation == (
        SentText(
            "invitation", "Invitation https://c.example/[link hidden]", None, "queued", "sms", T0
        ),
        ReceivedText("call me", None, "callback", "sms", reply.received_at),
    )


def test_staff_assign_to_themselves_or_a_colleague_and_close_with_an_outcome() -> None:
    uow = FakeMessagingUnitOfWork()
    task = callbacks.request_call(uow, a_contact(uow), TRIAL, "sms")

    assert callbacks.assign(uow, staff(), task.id, None).assigned_to == "Sam Patel"
    assert callbacks.assign(uow, staff(), task.id, "Ayesha Khan").assigned_to == "Ayesha Khan"
    closed = callbacks.close(uow, staff(), task.id, "declined", "not now")

    assert (closed.state, closed.outcome) == ("closed", "declined")
    assert len(uow.published("messaging.callback.assigned")) == 2
    [data] = uow.published("messaging.callback.closed")
    assert CONTRACTS["messaging.callback.closed"].validate(data) == {}


def test_a_coordinator_reads_their_trials_tasks_and_closes_only_a_call_they_made() -> None:
    uow = FakeMessagingUnitOfWork()
    contact = a_contact(uow)
    task = callbacks.request_call(uow, contact, TRIAL, "sms")
    not_theirs = callbacks.request_call(uow, contact, OTHER_TRIAL, "sms")

    assert [t.id for t in callbacks.list_tasks(uow, coordinator())] == [task.id]
    with pytest.raises(Forbidden):
        callbacks.assign(uow, coordinator(), task.id, None)
    with pytest.raises(Forbidden):
        callbacks.close(uow, coordinator(), task.id, "no_answer")
    with pytest.raises(NotFound):
        callbacks.show_task(uow, coordinator(), not_theirs.id)

    callbacks.assign(uow, staff(), task.id, "Dr Cole")
    assert callbacks.close(uow, coordinator(), task.id, "consented_by_phone").outcome == (
        "consented_by_phone"
    )


def test_waiting_counts_tasks_closed_in_the_period_within_scope() -> None:
    uow = FakeMessagingUnitOfWork()
    for hours, practice in ((1, "M85001"), (3, "M85001"), (50, "M85002")):
        task = callbacks.request_call(uow, a_contact(uow, practice=practice), TRIAL, "sms")
        task.opened_at = T0
        task.close("no_answer", by="x", at=T0 + timedelta(hours=hours))

    found = callbacks.waiting(uow, staff(), T0, T0 + timedelta(days=7))

    assert found.summary.closed == 2
    assert (found.summary.median, found.summary.longest) == (timedelta(hours=2), timedelta(hours=3))


def test_erasure_removes_open_callbacks_and_the_notes_of_closed_ones() -> None:
    uow = FakeMessagingUnitOfWork()
    contact = a_contact(uow)
    closed = callbacks.request_call(uow, contact, TRIAL, "sms", note="ring after 5")
    closed.close("no_answer", by="Sam", note="tried twice")
    callbacks.request_call(uow, contact, OTHER_TRIAL, "sms")

    contacts.forget_callbacks(uow, contact.participant_id)

    assert uow.callbacks.tasks == [closed]
    assert (closed.request_note, closed.outcome_note, closed.outcome) == (None, None, "no_answer")

"""Staff's side through the fakes: the review inbox, asking a stopped number to opt in
again, contacts from the registry, consent's texts, templates and a trial's settings."""

from __future__ import annotations

import dataclasses
import uuid

import pytest

from services.messaging.domain.model import Suppression
from services.messaging.service_layer import (
    contacts,
    notifications,
    replies,
    resubscribe,
    review_inbox,
    templates,
    trials,
)
from services.messaging.service_layer.invitations import queue_invitations
from services.messaging.service_layer.replies import InboundSms
from services.messaging.service_layer.threads import ReceivedText
from shared.auth.principal import ADMIN, STAFF, Principal
from shared.errors import Conflict, Forbidden, InvalidInput, NotFound, NotYetKnown
from shared.events.commands import (
    InvitationsRequested,
    NotificationRequested,
    ParticipantShared,
)
from tests.support.fakes.messaging import FakeMessagingUnitOfWork
from tests.support.fakes.messaging_world import (
    PRACTICE,
    a_contact,
    a_trial,
    an_invitation_that_reached,
)

STAFF_AT_PRACTICE = Principal(uuid.uuid4(), "Sam", STAFF, frozenset({PRACTICE}))
ELSEWHERE = Principal(uuid.uuid4(), "Kim", STAFF, frozenset({"Y00001"}))
AN_ADMIN = Principal(uuid.uuid4(), "Ada", ADMIN)


def an_unclear_reply(uow: FakeMessagingUnitOfWork) -> tuple[uuid.UUID, str]:
    contact = a_contact(uow)
    assert contact.mobile
    an_invitation_that_reached(uow, contact, a_trial(uow))
    replies.receive(uow, InboundSms(f"SM{uuid.uuid4().hex}", contact.mobile, "+44", "hmm ok"))
    [inbound] = uow.store.inbound.values()
    return inbound.id, contact.mobile


def test_the_inbox_shows_an_unclear_reply_with_its_conversation_to_its_practice_only(
    uow: FakeMessagingUnitOfWork,
) -> None:
    inbound_id, _ = an_unclear_reply(uow)

    [item] = review_inbox.unclear_replies(uow, STAFF_AT_PRACTICE)

    assert (item.id, item.body, item.intent, item.channel) == (
        inbound_id,
        "hmm ok",
        "unknown",
        "sms",
    )
    assert (item.trial_short_name, item.practice_ods) == ("HEART", PRACTICE)
    assert item.clarification_sent and not item.number_opted_out
    said = sorted((t.direction, t.kind) for t in item.conversation)
    assert said == [("in", "reply"), ("out", "invitation"), ("out", "unclear_ack")]
    [reply] = [t for t in item.conversation if isinstance(t, ReceivedText)]
    assert (reply.body, reply.intent) == ("hmm ok", "unknown")
    assert review_inbox.unclear_replies(uow, ELSEWHERE) == []


def test_staff_reading_an_unclear_reply_as_yes_flows_on_as_a_yes(
    uow: FakeMessagingUnitOfWork,
) -> None:
    inbound_id, _ = an_unclear_reply(uow)

    with pytest.raises(NotFound):
        review_inbox.set_intent(uow, ELSEWHERE, inbound_id, "yes")
    review_inbox.set_intent(uow, STAFF_AT_PRACTICE, inbound_id, "yes")
    with pytest.raises(Conflict):
        review_inbox.set_intent(uow, STAFF_AT_PRACTICE, inbound_id, "no")

    assert [e["intent"] for e in uow.published("messaging.reply.received")] == ["unknown", "yes"]
    assert review_inbox.unclear_replies(uow, STAFF_AT_PRACTICE) == []


def test_a_reply_made_a_callback_leaves_the_inbox_for_the_call_list(
    uow: FakeMessagingUnitOfWork,
) -> None:
    inbound_id, _ = an_unclear_reply(uow)

    task_id = review_inbox.make_callback(uow, STAFF_AT_PRACTICE, inbound_id, " call after 5 ")

    assert review_inbox.unclear_replies(uow, STAFF_AT_PRACTICE) == []
    task = uow.callbacks.get(task_id)
    assert task is not None and task.request_note == "call after 5"
    assert task.reply_id == inbound_id and task.state == "unassigned"


def test_staff_may_ask_their_own_patients_stopped_number_once_a_week(
    uow: FakeMessagingUnitOfWork,
) -> None:
    contact = a_contact(uow)
    assert contact.mobile
    an_invitation_that_reached(uow, contact, a_trial(uow))
    uow.suppressions.add(
        Suppression(
            contact.mobile,
            "replied STOP",
            participant_id=contact.participant_id,
            practice_ods=PRACTICE,
        )
    )

    asked = resubscribe.staff_resubscribe(uow, STAFF_AT_PRACTICE, contact.participant_id)
    with pytest.raises(Conflict):
        resubscribe.staff_resubscribe(uow, STAFF_AT_PRACTICE, contact.participant_id)

    assert asked == resubscribe.Resubscribed(
        contact.participant_id, was_stopped=True, still_stopped=True, confirmation_requested=True
    )
    assert [m.kind for m in uow.store.messages.values() if m.status == "queued"] == ["opt_in_check"]


def test_asking_to_resubscribe_a_number_never_stopped_texts_nothing(
    uow: FakeMessagingUnitOfWork,
) -> None:
    contact = a_contact(uow)

    asked = resubscribe.staff_resubscribe(uow, STAFF_AT_PRACTICE, contact.participant_id)

    assert asked == resubscribe.Resubscribed(
        contact.participant_id, was_stopped=False, still_stopped=False, confirmation_requested=False
    )
    assert not [m for m in uow.store.messages.values() if m.kind == "opt_in_check"]


def test_a_number_shared_with_another_practice_is_only_lifted_by_its_own_start(
    uow: FakeMessagingUnitOfWork,
) -> None:
    ours = a_contact(uow)
    assert ours.mobile
    theirs = a_contact(uow, number=ours.mobile)
    theirs.practice_ods = "Y00001"
    uow.suppressions.add(Suppression(ours.mobile, "replied STOP"))

    with pytest.raises(Forbidden):
        resubscribe.staff_resubscribe(uow, STAFF_AT_PRACTICE, ours.participant_id)


def test_a_contact_with_a_stopped_number_is_opted_out_and_erasure_blanks_their_texts(
    uow: FakeMessagingUnitOfWork,
) -> None:
    number = "+447700900123"
    uow.suppressions.add(Suppression(number, "replied STOP"))
    participant = uuid.uuid4()
    details = ParticipantShared(participant, PRACTICE, "en", number, textable=True)

    contacts.save_contact(uow, details)
    contacts.save_contact(uow, details)  # the same number again: no second opt-out
    saved = uow.contacts.contact(participant)
    assert saved is not None
    an_invitation_that_reached(uow, saved, a_trial(uow))
    contacts.erase_contact(uow, participant)

    assert len(uow.published("messaging.participant.opted_out")) == 1
    assert {(m.to, m.body) for m in uow.messages.messages_for(participant)} == {("", "")}
    erased = uow.contacts.contact(participant)
    assert erased is not None and erased.erased and erased.mobile is None


def test_consent_texts_wait_for_their_contact_and_skip_the_erased(
    uow: FakeMessagingUnitOfWork,
) -> None:
    trial = a_trial(uow)
    contact = a_contact(uow, "ur")
    asked = NotificationRequested(
        uuid.uuid4(), contact.participant_id, trial, "consent_link", "https://c.test/c/abc"
    )

    with pytest.raises(NotYetKnown):
        notifications.send_consent_notification(
            uow, dataclasses.replace(asked, participant_id=uuid.uuid4())
        )
    assert notifications.send_consent_notification(uow, asked)

    [link] = uow.store.messages.values()
    assert link.language == "ur" and "https://c.test/c/abc" in link.body


def test_a_yes_from_a_phone_that_takes_no_texts_becomes_a_callback_not_a_text(
    uow: FakeMessagingUnitOfWork,
) -> None:
    trial = a_trial(uow)
    landline = a_contact(uow, "syl", "+441214960000")
    landline.textable = False  # answered a call; a landline cannot take the link
    asked = NotificationRequested(
        uuid.uuid4(), landline.participant_id, trial, "consent_link", "https://c.test/c/abc"
    )

    assert not notifications.send_consent_notification(uow, asked)
    assert not notifications.send_consent_notification(uow, asked)  # asked again: one task

    assert uow.messages.messages_for(landline.participant_id) == []
    [task] = uow.callbacks.of_participant(landline.participant_id)
    assert (task.trial_id, task.source_list, task.requests) == (trial, ["voice"], 2)
    assert task.interpreter_needed  # Sylheti is spoken, not written


def test_a_new_invitation_template_retexts_held_invitations(uow: FakeMessagingUnitOfWork) -> None:
    trial, batch = a_trial(uow), uuid.uuid4()
    contact = a_contact(uow)
    queue_invitations(
        uow,
        InvitationsRequested(
            batch_id=batch,
            trial_id=trial,
            practice_ods=PRACTICE,
            chunk=0,
            chunks=1,
            participant_ids=(contact.participant_id,),
        ),
    )

    template = templates.save_template(
        uow,
        "Ada",
        trial,
        "invitation",
        "en",
        "New words about {title}: {info_url}. Reply YES or NO.",
    )
    templates.review_template(uow, "Bea", template.id)

    [held] = uow.store.messages.values()
    assert (
        held.body.startswith("New words about The HEART study") and held.template_id == template.id
    )
    reviewed = uow.templates.template(template.id)
    assert reviewed is not None and reviewed.reviewed


def test_a_trials_settings_change_and_a_bad_window_is_refused(
    uow: FakeMessagingUnitOfWork,
) -> None:
    trial = a_trial(uow)

    changed = trials.update_settings(
        uow,
        trial,
        {"reminder_days": 3, "window": {"days": "mon-fri", "start": "09:00", "end": "17:00"}},
    )
    with pytest.raises(InvalidInput):
        trials.update_settings(uow, trial, {"window": {"days": "someday", "start": "9", "end": ""}})
    with pytest.raises(NotFound):
        trials.get_settings(uow, uuid.uuid4())

    assert changed.reminder_days == 3 and trials.get_settings(uow, trial).window is not None

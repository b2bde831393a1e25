"""Inbound replies are read in the language the patient was written to."""

from __future__ import annotations

import uuid

import pytest

from services.messaging.service_layer import contacts, templates
from shared.events.commands import ParticipantShared
from tests.integration.api.conftest import (
    ODS_A,
    Service,
    World,
    mobile,
    queue_invitations,
    save_contact,
    save_trial,
)
from tests.integration.api.test_webhooks import (
    a_provider,
    events,
    inbound_rows,
    is_suppressed,
    send_queued,
    text_from,
)

pytestmark = pytest.mark.integration


@pytest.fixture
def service(messaging_world: World) -> Service:
    return messaging_world.service


def invited_in(service: Service, language: str) -> tuple[uuid.UUID, str]:
    participant_id, number, trial_id = uuid.uuid4(), mobile(), uuid.uuid4()
    save_trial(service, trial_id)
    contacts.save_contact(
        service.uow(),
        ParticipantShared(
            participant_id=participant_id,
            practice_ods=ODS_A,
            mobile=number,
            textable=True,
            language=language,
        ),
    )
    assert queue_invitations(service, trial_id, participant_id) == 1
    send_queued(service, a_provider())
    return participant_id, number


@pytest.mark.parametrize(
    ("language", "body", "intent"),
    [
        ("ur", "nahi ji", "no"),
        ("ur", "ہاں جی", "yes"),
        ("pl", "nie tak", "unknown"),
        ("pl", "Tak, dziękuję", "yes"),
        ("bn", "জি না", "no"),
        ("so", "haa", "yes"),
        ("en", "tak", "unknown"),  # Polish words are not read for an English text
    ],
)
def test_a_reply_is_read_in_the_language_of_the_patients_texts(
    service: Service, language: str, body: str, intent: str
) -> None:
    participant_id, number = invited_in(service, language)
    sid = f"SM{uuid.uuid4().hex}"
    assert text_from(service, number, body, sid).status_code == 200
    [stored] = inbound_rows(service, sid)
    assert stored.intent == intent
    [reply] = events(service, "messaging.reply.received", participant_id)
    assert (reply.data["intent"], reply.data["language"]) == (intent, language)


def test_stop_in_urdu_suppresses_the_number(service: Service) -> None:
    participant_id, number = invited_in(service, "ur")
    assert text_from(service, number, "بند کریں").status_code == 200
    assert is_suppressed(service, number)
    assert len(events(service, "messaging.participant.opted_out", participant_id)) == 1


def test_a_reply_to_a_text_that_asked_for_digits_is_read_as_digits(service: Service) -> None:
    """'1' means yes only where the text said "Reply 1 for yes"; elsewhere it is unclear."""
    trial_id, asked_digits = uuid.uuid4(), uuid.uuid4()
    for trial in (trial_id, asked_digits):
        save_trial(service, trial)
    templates.save_template(
        service.uow(),
        "Ada Admin",
        asked_digits,
        "invitation",
        "en",
        "{title}: reply 1 to hear more, 2 if not, 3 to stop texts. {info_url}",
        reply_with="digits",
    )
    replies_to = {}
    for trial in (trial_id, asked_digits):
        participant_id, number = uuid.uuid4(), mobile()
        save_contact(service, participant_id, ODS_A, number)
        assert queue_invitations(service, trial, participant_id) == 1
        replies_to[trial] = number
    send_queued(service, a_provider())

    for trial, expected in ((asked_digits, "yes"), (trial_id, "unknown")):
        sid = f"SM{uuid.uuid4().hex}"
        assert text_from(service, replies_to[trial], "1", sid).status_code == 200
        [stored] = inbound_rows(service, sid)
        assert stored.intent == expected

"""The consent page's one-time code for a patient invited by call (issue 18 item 1): said in
a call to the invited number where consent asks (or the number takes no texts), digit by
digit and twice, never left on voicemail and never rung again; otherwise texted. On the
fakes."""

from __future__ import annotations

import uuid

import pytest

from services.messaging.domain.model import Contact
from services.messaging.domain.trial_settings import TrialSettings
from services.messaging.domain.voice import Hangup, Pause, Say, code_script
from services.messaging.service_layer import call_retries, calls, notifications
from shared.events.commands import NotificationRequested
from tests.support.fakes.messaging import FakeMessagingUnitOfWork
from tests.support.fakes.messaging_world import a_contact, a_trial

URLS = calls.CallUrls("https://m/gather", lambda rid: f"https://m/r/{rid}", "https://m/again")


def asked_for_code(
    contact: Contact, trial: uuid.UUID, spoken: bool = False
) -> NotificationRequested:
    return NotificationRequested(
        uuid.uuid4(),
        contact.participant_id,
        trial,
        "identity_code",
        None,
        code="482915",
        spoken=spoken,
    )


@pytest.mark.parametrize("reached_by", ["a landline", "a call consent asks for"])
def test_a_patient_reached_by_calls_is_rung_with_the_code(
    uow: FakeMessagingUnitOfWork, reached_by: str
) -> None:
    trial = a_trial(uow)
    patient = a_contact(uow, "syl", "+447700900123")
    if reached_by == "a landline":
        patient.textable = False

    asked = asked_for_code(patient, trial, spoken=reached_by != "a landline")
    assert notifications.send_consent_notification(uow, asked)

    [call] = uow.messages.messages_for(patient.participant_id)
    assert (call.channel, call.kind, call.to) == ("voice", "identity_code", patient.mobile)
    assert "482915" in call.body and call.status == "queued"


def test_a_patient_reached_by_text_gets_the_code_by_text(uow: FakeMessagingUnitOfWork) -> None:
    trial = a_trial(uow)
    patient = a_contact(uow, "en")
    assert notifications.send_consent_notification(uow, asked_for_code(patient, trial))
    [text] = uow.messages.messages_for(patient.participant_id)
    assert (text.channel, text.kind) == ("sms", "identity_code")


def test_the_answered_code_call_says_each_digit_twice_and_a_machine_hears_nothing(
    uow: FakeMessagingUnitOfWork,
) -> None:
    trial = a_trial(uow)
    uow.store.trials[trial] = TrialSettings(trial, "HEART", "Heart", call_retries=3)
    patient = a_contact(uow, "en", "+441214960002")
    patient.textable = False
    notifications.send_consent_notification(uow, asked_for_code(patient, trial))
    [call] = uow.messages.messages_for(patient.participant_id)

    steps = calls.twiml_for(uow, call.id, "human", URLS)

    said = [step for step in steps if isinstance(step, Say)]
    assert len(said) == 2 and said[0] == said[1], "said twice"
    assert "4, 8, 2, 9, 1, 5" in said[0].text and said[0].language == "en-GB"
    assert steps[-1] == Hangup()
    assert calls.twiml_for(uow, call.id, "machine_end_beep", URLS) == [Hangup()]

    call.status = "no-answer"
    assert call_retries.ring_again(uow, [call.id]) == 0, "a code lasts 10 minutes: ask again"


def test_the_code_is_said_in_the_patients_language_where_twilio_has_a_voice() -> None:
    bengali = code_script("আপনার কোড 482915", "bn")
    assert bengali[1] == Say("আপনার কোড 4, 8, 2, 9, 1, 5", "bn-IN")
    assert bengali[0] == Pause(1) and bengali[-1] == Hangup()
    no_voice = code_script("Your code is 482915.", "so")
    assert no_voice[1] == Say("Your code is 4, 8, 2, 9, 1, 5.", "en-GB")

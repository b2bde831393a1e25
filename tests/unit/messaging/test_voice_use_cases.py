"""Voice use cases on the in-memory fakes of tests/support/fakes (decision 27): what an
answered call plays and whom it records, and ringing again a call nobody answered."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from services.messaging.domain.model import PRIORITY_BULK, Contact, Message, Suppression
from services.messaging.domain.recordings import Recording, new_recording
from services.messaging.domain.trial_settings import TrialSettings
from services.messaging.domain.voice import Gather, Hangup, Play, Say
from services.messaging.service_layer import call_retries, calls
from tests.support.fakes.messaging import FakeMessagingUnitOfWork

TRIAL = uuid.uuid4()
World = tuple[FakeMessagingUnitOfWork, Message]
URLS = calls.CallUrls("https://m/gather", lambda rid: f"https://m/r/{rid}", "https://m/again")


@pytest.fixture
def world() -> tuple[FakeMessagingUnitOfWork, Message]:
    fake = FakeMessagingUnitOfWork()
    person = uuid.uuid4()
    fake.contacts.add(Contact(person, "M85001", "+447700900001", True, "syl"))
    fake.store.trials[TRIAL] = TrialSettings(TRIAL, "HEART", "Heart", call_retries=1)
    call = Message(person, "+447700900001", "আমন্ত্রণ", "invitation", PRIORITY_BULK)
    call.trial_id, call.language, call.channel, call.status = TRIAL, "bn", "voice", "in-progress"
    fake.messages.add(call)
    return fake, call


def reviewed(scope: str, kind: str, language: str) -> Recording:
    made = new_recording(scope, kind, language, 1, "audio/wav", b"RIFF", "admin a")
    made.review("admin b")
    return made


def test_an_answered_call_plays_the_patients_spoken_language_and_records_who_answered(
    world: tuple[FakeMessagingUnitOfWork, Message],
) -> None:
    fake, call = world
    sylheti = reviewed(str(TRIAL), "invitation", "syl")
    fake.recordings.add(reviewed("default", "invitation", "bn"))
    fake.recordings.add(sylheti)
    steps = calls.twiml_for(fake, call.id, "human", URLS)
    (gather,) = [s for s in steps if isinstance(s, Gather)]
    assert gather.prompts == (Play(f"https://m/r/{sylheti.id}"),)
    assert gather.action == "https://m/gather"
    assert call.answered_by == "human" and fake.commits == 1


def test_a_machine_hears_the_voicemail_and_a_say_only_where_the_trial_allows(
    world: tuple[FakeMessagingUnitOfWork, Message],
) -> None:
    fake, call = world
    assert calls.twiml_for(fake, call.id, "machine_end_beep", URLS) == [Hangup()]
    fake.store.trials[TRIAL].say_allowed = True
    fake.store.trials[TRIAL].callback_number = "+441214960000"
    steps = calls.twiml_for(fake, call.id, "machine_end_beep", URLS)
    assert steps[0] == Say("আমন্ত্রণ", "bn-IN")
    assert steps[1] == Say("0 1 2 1 4 9 6 0 0 0 0", "bn-IN")
    assert call.answered_by == "machine_end_beep"


def test_a_call_played_three_times_hangs_up(world: tuple[FakeMessagingUnitOfWork, Message]) -> None:
    fake, call = world
    fake.recordings.add(reviewed("default", "invitation", "bn"))
    played = [calls.twiml_for(fake, call.id, "human", replace(URLS, played=n)) for n in range(4)]
    assert [steps == [Hangup()] for steps in played] == [False, False, False, True]


def test_a_webhook_for_a_text_or_an_unknown_message_hangs_up(
    world: tuple[FakeMessagingUnitOfWork, Message],
) -> None:
    fake, call = world
    call.channel = "sms"
    assert calls.twiml_for(fake, call.id, None, URLS) == [Hangup()]
    assert calls.twiml_for(fake, uuid.uuid4(), None, URLS) == [Hangup()]


def test_a_call_answered_while_it_could_play_nothing_is_rung_again(
    world: tuple[FakeMessagingUnitOfWork, Message],
) -> None:
    fake, call = world
    calls.not_played(fake, call.id)
    assert call.answered_by == "unplayed" and fake.commits == 1
    call.status = "completed"
    assert call_retries.ring_again(fake, [call.id]) == 1
    calls.not_played(fake, uuid.uuid4())  # an unknown call: nothing to record
    assert fake.commits == 1


def test_no_answer_is_rung_again_after_the_delay_until_the_retries_are_used(
    world: tuple[FakeMessagingUnitOfWork, Message],
) -> None:
    fake, call = world
    call.status = "no-answer"
    assert call_retries.ring_again(fake, [call.id]) == 1
    (again,) = [m for m in fake.store.messages.values() if m.id != call.id]
    assert (again.channel, again.status, again.kind, again.to) == (
        "voice",
        "queued",
        "invitation",
        call.to,
    )
    assert again.not_before is not None
    assert again.not_before > datetime.now(UTC) + timedelta(seconds=7190)
    again.status = "busy"  # the second call: one retry was allowed
    assert call_retries.ring_again(fake, [again.id]) == 0


def test_a_stopped_number_gets_no_call_again(
    world: tuple[FakeMessagingUnitOfWork, Message],
) -> None:
    fake, call = world
    call.status = "no-answer"
    fake.suppressions.add(Suppression(call.to, "replied STOP"))
    with fake:  # in the status applier's transaction
        call_retries.ring_again(fake, [call.id])
        fake.commit()
    (again,) = [m for m in fake.store.messages.values() if m.id != call.id]
    assert again.status == "suppressed"
    assert [e["status"] for e in fake.published("messaging.message.status_changed")] == [
        "suppressed"
    ]

"""A call's webhooks on PostgreSQL (decision 27): the TwiML it plays, a key press as a
reply through the same handling as a text, and its status callbacks, all signed."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from xml.etree import ElementTree

import pytest
from sqlalchemy import select
from werkzeug.test import TestResponse

from services.messaging.adapters.orm import callback_tasks, inbound_messages, messages
from services.messaging.domain.model import PRIORITY_BULK, Message
from services.messaging.service_layer import recordings, sending, statuses, trials
from tests.integration.api.conftest import ODS_A, Service, World, mobile, save_contact, save_trial
from tests.integration.api.test_webhooks import is_suppressed, sign

pytestmark = pytest.mark.integration
SERVICE_NUMBER = "+447700900000"


@dataclass
class Call:
    message_id: uuid.UUID
    participant_id: uuid.UUID
    number: str
    trial_id: uuid.UUID
    sid: str

    def path(self, what: str) -> str:
        return f"/webhooks/twilio/calls/{self.message_id}/{what}"


@pytest.fixture
def service(messaging_world: World) -> Service:
    return messaging_world.service


def a_call(service: Service, language: str = "syl", status: str = "in-progress") -> Call:
    """A Sylheti speaker's invitation call, ringing (or answered) now."""
    participant, number, trial = uuid.uuid4(), mobile(), uuid.uuid4()
    save_trial(service, trial)
    save_contact(service, participant, ODS_A, number, language)
    message = Message(
        participant_id=participant,
        to=number,
        body="আপনাকে একটি গবেষণায় আমন্ত্রণ জানানো হচ্ছে",
        kind="invitation",
        priority=PRIORITY_BULK,
        trial_id=trial,
        language="bn",
        channel="voice",
        status=status,
        provider_sid=f"CA{uuid.uuid4().hex}",
    )
    with service.uow() as uow:
        uow.messages.add(message)
        uow.commit()
    assert message.provider_sid is not None
    return Call(message.id, participant, number, trial, message.provider_sid)


def post(service: Service, path: str, params: dict[str, str]) -> TestResponse:
    headers = {"X-Twilio-Signature": sign(service, path, params)}
    return service.client().post(path, data=params, headers=headers)


def twiml(response: TestResponse) -> ElementTree.Element:
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "text/xml"
    return ElementTree.fromstring(response.get_data())


def press(service: Service, call: Call, digits: str, played: int = 0) -> TestResponse:
    form = {"CallSid": call.sid, "Digits": digits, "From": SERVICE_NUMBER, "To": call.number}
    return post(service, call.path(f"gather?played={played}" if played else "gather"), form)


def replies_of(service: Service, call: Call) -> list[Any]:
    with service.runtime.engine.connect() as conn:
        query = select(inbound_messages).where(inbound_messages.c.from_number == call.number)
        return list(conn.execute(query))


def texts_to(service: Service, number: str) -> list[Any]:
    with service.runtime.engine.connect() as conn:
        return list(conn.execute(select(messages).where(messages.c.to == number)))


def a_reviewed_recording(service: Service, trial: uuid.UUID, kind: str, language: str) -> Any:
    made = recordings.upload(service.uow(), "admin a", trial, kind, language, "audio/wav", b"RIFF1")
    return recordings.review(service.uow(), "admin b", made.id)


def test_an_unsigned_call_webhook_is_refused(service: Service) -> None:
    call = a_call(service)
    response = service.client().post(call.path("twiml"), data={"CallSid": call.sid})
    assert response.status_code == 403
    bad = {"X-Twilio-Signature": "nope"}
    assert service.client().post(call.path("gather"), data={}, headers=bad).status_code == 403


def test_an_answered_call_plays_the_trials_sylheti_recording_then_listens_for_a_key(
    service: Service,
) -> None:
    call = a_call(service)
    recording = a_reviewed_recording(service, call.trial_id, "invitation", "syl")
    root = twiml(post(service, call.path("twiml"), {"CallSid": call.sid, "AnsweredBy": "human"}))
    gather = root.find("Gather")
    assert gather is not None
    assert gather.get("action") == service.settings.public_base_url + call.path("gather")
    assert gather.get("numDigits") == "1"
    play = gather.find("Play")
    assert play is not None and play.text is not None
    assert play.text.endswith(f"/voice/recordings/{recording.id}")
    audio = service.client().get(play.text.removeprefix(service.settings.public_base_url))
    assert audio.status_code == 200 and audio.data == b"RIFF1"
    assert audio.mimetype == "audio/wav"


def test_without_a_recording_the_call_speaks_only_where_the_trial_allows_it(
    service: Service,
) -> None:
    call = a_call(service, language="pl")
    body = {"CallSid": call.sid}
    assert [e.tag for e in twiml(post(service, call.path("twiml"), body))] == ["Hangup"]
    trials.update_settings(service.uow(), call.trial_id, {"say_allowed": True})
    say = twiml(post(service, call.path("twiml"), body)).find("Gather/Say")
    assert say is not None and say.get("language") == "bn-IN"  # the text's own language


def test_a_machine_gets_the_voicemail_with_the_practices_number(service: Service) -> None:
    call = a_call(service, language="en")
    trials.update_settings(
        service.uow(), call.trial_id, {"say_allowed": True, "callback_number": "+441214960000"}
    )
    root = twiml(
        post(service, call.path("twiml"), {"CallSid": call.sid, "AnsweredBy": "machine_end_beep"})
    )
    assert root.find("Gather") is None
    assert [e.text for e in root.findall("Say")][-1] == "0 1 2 1 4 9 6 0 0 0 0"
    with service.runtime.engine.connect() as conn:
        query = select(messages.c.answered_by).where(messages.c.id == call.message_id)
        assert conn.execute(query).scalar_one() == "machine_end_beep"


def test_key_one_is_a_yes_reply_from_the_call_and_the_yes_text_follows(service: Service) -> None:
    call = a_call(service)
    root = twiml(press(service, call, "1"))
    assert [e.tag for e in root] == ["Hangup"]
    press(service, call, "1")  # Twilio retrying the same request: stored once
    (reply,) = replies_of(service, call)
    assert (reply.intent, reply.channel, reply.trial_id) == ("yes", "voice", call.trial_id)
    assert reply.participant_id == call.participant_id
    events = [
        e
        for e in service.outbox()
        if e.type == "messaging.reply.received" and e.data["participant_id"] == call.participant_id
    ]
    assert [(e.data["intent"], e.data["channel"]) for e in events] == [("yes", "voice")]
    acks = [t for t in texts_to(service, call.number) if t.kind == "yes_ack"]
    assert [(t.channel, t.status) for t in acks] == [("sms", "queued")]


def test_key_three_stops_the_number_for_texts_and_calls(service: Service) -> None:
    call = a_call(service)
    press(service, call, "3")
    assert is_suppressed(service, call.number)
    later = Message(call.participant_id, call.number, "again", "reminder", PRIORITY_BULK)
    later.channel = "voice"
    with service.uow() as uow:
        uow.messages.add(later)
        uow.commit()
    jobs = sending.claim(service.uow(), 500, max_calls=10)
    assert later.id not in {job.message_id for job in jobs}
    with service.uow() as uow:
        found = uow.messages.message(later.id)
        assert found is not None and found.status == "suppressed"


def test_key_four_asks_for_a_call_back_and_nine_plays_the_call_again(service: Service) -> None:
    call = a_call(service)
    root = twiml(press(service, call, "9"))
    redirect = root.find("Redirect")
    assert redirect is not None
    assert redirect.text == service.settings.public_base_url + call.path("twiml?played=1")
    assert replies_of(service, call) == []
    press(service, call, "4")
    (reply,) = replies_of(service, call)
    assert reply.intent == "callback"
    with service.runtime.engine.connect() as conn:
        query = select(callback_tasks).where(callback_tasks.c.participant_id == call.participant_id)
        (task,) = conn.execute(query).all()
    assert (task.trial_id, task.language, task.reply_id) == (call.trial_id, "syl", reply.id)
    assert "voice" in task.sources


def test_a_call_played_three_times_is_not_played_a_fourth(service: Service) -> None:
    call = a_call(service)
    a_reviewed_recording(service, call.trial_id, "invitation", "syl")
    again = twiml(post(service, call.path("twiml?played=2"), {"CallSid": call.sid}))
    gather = again.find("Gather")
    assert gather is not None
    assert gather.get("action") == service.settings.public_base_url + call.path("gather?played=2")
    redirect = twiml(press(service, call, "9", played=2)).find("Redirect")
    assert redirect is not None and redirect.text is not None
    assert redirect.text.endswith("/twiml?played=3")
    last = twiml(post(service, call.path("twiml?played=3"), {"CallSid": call.sid}))
    assert [e.tag for e in last] == ["Hangup"]


def test_call_statuses_move_the_message_forward_and_an_unanswered_call_is_tried_again(
    service: Service,
) -> None:
    call = a_call(service, status="accepted")
    trials.update_settings(
        service.uow(), call.trial_id, {"call_retries": 1, "call_retry_delay": 600}
    )
    for status in ("ringing", "in-progress", "no-answer", "ringing"):
        form = {"CallSid": call.sid, "CallStatus": status, "CallDuration": "0"}
        assert post(service, call.path("status"), form).status_code == 204
    while statuses.apply_stored(service.uow()):
        pass
    first, again = sorted(texts_to(service, call.number), key=lambda m: m.created_at)
    assert (first.id, first.status) == (call.message_id, "no-answer")
    assert (again.channel, again.status, again.kind) == ("voice", "queued", "invitation")
    assert again.not_before > datetime.now(UTC) + timedelta(seconds=590)
    # The second call is not answered either: the trial's one retry is used up.
    with service.uow() as uow:
        uow.messages.start_attempts([again.id], datetime.now(UTC))
        uow.commit()
    form = {"CallSid": "CA" + uuid.uuid4().hex, "CallStatus": "busy"}
    path = f"/webhooks/twilio/calls/{again.id}/status"
    assert post(service, path, form).status_code == 204
    while statuses.apply_stored(service.uow()):
        pass
    assert sorted(t.status for t in texts_to(service, call.number)) == ["busy", "no-answer"]


def test_a_call_answered_by_a_machine_is_tried_again_after_its_voicemail(service: Service) -> None:
    call = a_call(service, language="en")
    post(service, call.path("twiml"), {"CallSid": call.sid, "AnsweredBy": "machine_start"})
    post(service, call.path("status"), {"CallSid": call.sid, "CallStatus": "completed"})
    while statuses.apply_stored(service.uow()):
        pass
    assert sorted(t.status for t in texts_to(service, call.number)) == ["completed", "queued"]


def test_a_person_who_answered_is_not_called_again(service: Service) -> None:
    call = a_call(service, language="en")
    post(service, call.path("twiml"), {"CallSid": call.sid, "AnsweredBy": "human"})
    post(service, call.path("status"), {"CallSid": call.sid, "CallStatus": "completed"})
    while statuses.apply_stored(service.uow()):
        pass
    assert [t.status for t in texts_to(service, call.number)] == ["completed"]

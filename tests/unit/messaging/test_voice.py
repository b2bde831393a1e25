"""Voice calls (decision 27): what a call plays, what a key means, when to ring again."""

from __future__ import annotations

import uuid
from datetime import timedelta
from xml.etree import ElementTree

import pytest

from services.messaging.adapters.twiml import render
from services.messaging.domain.model import Message
from services.messaging.domain.recordings import Recording, choose, new_recording
from services.messaging.domain.voice import (
    Hangup,
    RetryPolicy,
    Spoken,
    Step,
    call_script,
    key_press,
    national,
    voicemail_script,
)
from shared.errors import Forbidden, InvalidInput

GATHER = "https://messaging.example/webhooks/twilio/calls/1/gather"


def twiml(steps: list[Step]) -> ElementTree.Element:
    return ElementTree.fromstring(render(steps))


def test_a_call_plays_the_recording_inside_a_gather_of_one_key_or_speech() -> None:
    root = twiml(call_script(Spoken("https://r.example/bn.wav", "text", "bn"), GATHER))
    gather = root.find("Gather")
    assert gather is not None
    assert gather.get("action") == GATHER
    assert gather.get("input") == "dtmf speech"
    assert gather.get("numDigits") == "1"
    assert gather.get("language") == "bn-IN"
    assert [(e.tag, e.text) for e in gather] == [("Play", "https://r.example/bn.wav")]
    assert root.find("Say") is None  # a recording wins over a voice
    assert [e.tag for e in root] == ["Pause", "Gather", "Hangup"]


def test_without_a_recording_a_voice_says_the_text_in_its_language() -> None:
    root = twiml(call_script(Spoken(None, "Zaproszenie do badania", "pl"), GATHER))
    say = root.find("Gather/Say")
    assert say is not None and say.get("language") == "pl-PL"
    assert say.text == "Zaproszenie do badania"


@pytest.mark.parametrize(
    "spoken",
    [Spoken(None, None, "pl"), Spoken(None, "Sylheti words", "syl"), Spoken(None, "x", None)],
)
def test_a_call_with_nothing_it_may_play_hangs_up_rather_than_ring_in_silence(
    spoken: Spoken,
) -> None:
    assert call_script(spoken, GATHER) == [Hangup()]


def test_speech_is_not_gathered_where_no_voice_recognises_the_language() -> None:
    root = twiml(call_script(Spoken("https://r.example/syl.wav", None, "syl"), GATHER))
    gather = root.find("Gather")
    assert gather is not None and gather.get("input") == "dtmf"


def test_voicemail_plays_its_recording_and_hangs_up_without_a_gather() -> None:
    root = twiml(voicemail_script(Spoken("https://r.example/vm.wav", None, "ur"), "+441214960000"))
    assert [e.tag for e in root] == ["Play", "Hangup"]


def test_voicemail_spoken_by_a_voice_gives_the_practice_number_digit_by_digit() -> None:
    root = twiml(voicemail_script(Spoken(None, "Please call us", "en"), "+441214960000"))
    says = [e.text for e in root.findall("Say")]
    assert says == ["Please call us", "0 1 2 1 4 9 6 0 0 0 0"]
    assert national("+447700900123") == "07700900123"


@pytest.mark.parametrize(
    ("digits", "intent"), [("1", "yes"), ("2", "no"), ("3", "stop"), ("4", "callback")]
)
def test_each_key_is_a_reply(digits: str, intent: str) -> None:
    pressed = key_press(digits, None, "bn")
    assert pressed.intent == intent and not pressed.repeat


@pytest.mark.parametrize("digits", ["9", "7", "0", "*"])
def test_nine_or_an_unknown_key_plays_the_call_again_and_is_no_reply(digits: str) -> None:
    pressed = key_press(digits, None, "en")
    assert pressed.repeat and pressed.intent is None


def test_speech_is_read_by_the_same_classifier_as_a_text() -> None:
    assert key_press(None, "yes please", "en").intent == "yes"
    assert key_press(None, "stop", "en").intent == "stop"
    assert key_press(None, "maybe, I don't know", "en").intent == "unknown"  # to staff
    assert key_press(None, "  ", "en") == key_press(None, None, "en")
    assert key_press(None, None, "en").intent is None


@pytest.mark.parametrize(
    ("status", "answered_by", "calls", "expected"),
    [
        ("no-answer", None, 1, timedelta(minutes=30)),
        ("busy", None, 2, timedelta(minutes=30)),
        ("completed", "machine_end_beep", 1, timedelta(minutes=30)),
        ("completed", "unplayed", 1, timedelta(minutes=30)),  # answered in a database outage
        ("no-answer", None, 3, None),  # two retries used
        ("completed", "human", 1, None),  # the patient heard it
        ("completed", None, 1, None),
        ("failed", None, 1, None),  # a bad number is not rung again
        ("suppressed", None, 1, None),
    ],
)
def test_a_call_that_did_not_reach_the_patient_is_tried_again_within_the_limit(
    status: str, answered_by: str | None, calls: int, expected: timedelta | None
) -> None:
    policy = RetryPolicy(retries=2, delay=timedelta(minutes=30))
    assert policy.next_call_after(status, answered_by, calls) == expected


def test_a_call_moves_forward_only_through_its_statuses() -> None:
    call = Message(uuid.uuid4(), "+447700900001", "x", "invitation", 2, channel="voice")
    for status in ("sending", "accepted", "ringing", "in-progress", "completed"):
        assert call.move_to(status)
    assert not call.move_to("ringing")
    assert not call.move_to("no-answer")  # final stays final
    late = Message(uuid.uuid4(), "+447700900001", "x", "invitation", 2, channel="voice")
    late.move_to("in-progress")
    assert not late.move_to("ringing")  # a late "ringing" callback changes nothing


def _recording(scope: str, language: str, version: int = 1, reviewed: bool = True) -> Recording:
    made = new_recording(scope, "invitation", language, version, "audio/wav", b"RIFF", "admin a")
    if reviewed:
        made.review("admin b")
    return made


def test_the_trials_own_recording_in_the_patients_language_is_played() -> None:
    trial = str(uuid.uuid4())
    found = choose(
        [_recording("default", "syl"), _recording(trial, "syl"), _recording(trial, "bn")],
        "invitation",
        "syl",
        trial,
    )
    assert found is not None and (found.scope, found.language) == (trial, "syl")


def test_sylheti_without_a_recording_hears_bengali_and_never_an_unreviewed_one() -> None:
    trial = str(uuid.uuid4())
    recordings = [_recording(trial, "syl", reviewed=False), _recording("default", "bn")]
    found = choose(recordings, "invitation", "syl", trial)
    assert found is not None and found.language == "bn"
    assert choose([_recording(trial, "syl", reviewed=False)], "invitation", "syl", trial) is None


def test_the_newest_reviewed_version_wins() -> None:
    found = choose(
        [_recording("default", "ur", 1), _recording("default", "ur", 2)], "invitation", "ur", "t"
    )
    assert found is not None and found.version == 2


def test_a_recording_is_checked_and_reviewed_by_someone_else() -> None:
    with pytest.raises(InvalidInput):
        new_recording("default", "song", "ur", 1, "audio/wav", b"RIFF", "a")
    with pytest.raises(InvalidInput):
        new_recording("default", "invitation", "ur", 1, "text/plain", b"hi", "a")
    with pytest.raises(InvalidInput):
        new_recording("default", "invitation", "xx-nope", 1, "audio/wav", b"RIFF", "a")
    recording = new_recording("default", "invitation", "ur", 1, "audio/wav", b"RIFF", "a")
    with pytest.raises(Forbidden):
        recording.review("a")
    recording.review("b")
    assert recording.reviewed and recording.reviewed_by == "b"

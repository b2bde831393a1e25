"""The phone simulator takes a call in Chromium: it rings, is answered from the keyboard,
plays the recording, sends a key press to the gather, and hangs up (decision 0033)."""

from __future__ import annotations

import io
import math
import struct
import wave
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
import requests
from flask import Flask

from services.fake_twilio import create_app
from services.fake_twilio.settings import FakeTwilioSettings
from services.messaging.adapters.twilio_client import make_twilio_client
from tests.e2e.console_pages import page_becomes
from tests.support.axe import violations
from tests.support.twiml_app import TwimlApp, serving, twiml
from tests.support.waiting import eventually

SID = "AC" + "5678abcd" * 4
TOKEN = "phone-test-token"
CALLER = "+447700900123"
PATIENT = "+447400123456"


def tone(seconds: float = 30.0, rate: int = 8000) -> bytes:
    """A quiet 440 Hz WAV: a stand-in recording that needs no espeak-ng, long enough to be
    still playing when the test presses a key."""
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        samples = (
            int(3000 * math.sin(2 * math.pi * 440 * n / rate)) for n in range(int(rate * seconds))
        )
        w.writeframes(b"".join(struct.pack("<h", s) for s in samples))
    return out.getvalue()


@pytest.fixture
def voice_app() -> Iterator[TwimlApp]:
    app = TwimlApp(audio=tone())
    with serving(app) as url:
        app.url = url
        yield app


@pytest.fixture
def fake() -> Iterator[tuple[Flask, str]]:
    settings = FakeTwilioSettings(port=0, account_sid=SID, auth_token=TOKEN, phone_number=CALLER)
    app = create_app(settings)  # calls ring until the page answers (call_default "ring")
    with serving(app) as url:
        yield app, url
    app.extensions["fake_twilio"].voice.close()
    app.extensions["fake_twilio"].webhooks.close()


def test_the_phone_answers_plays_the_recording_and_sends_a_key(
    page: Any, voice_app: TwimlApp, fake: tuple[Flask, str]
) -> None:
    _, fake_url = fake
    recording = f"{voice_app.url}/hello.wav"
    voice_app.routes["/voice"] = twiml(
        "<Gather action='/menu' numDigits='1' timeout='30'>",
        f"<Play>{recording}</Play>",
        "<Say language='en-GB'>Press 1 to hear more.</Say>",
        "</Gather>",
    )
    voice_app.routes["/menu"] = twiml("<Say>Thank you.</Say>", "<Pause length='60'/>")
    twilio = make_twilio_client(SID, TOKEN, fake_url)
    sid = twilio.calls.create(to=PATIENT, from_=CALLER, url=f"{voice_app.url}/voice").sid

    page.goto(f"{fake_url}/phone?number={quote(PATIENT)}")
    status = '[data-testid="call-status"]'
    page_becomes(
        page,
        f"document.querySelector('{status}').textContent.includes('Incoming call from {CALLER}')",
    )
    assert page.is_visible('[data-testid="call-answer"]')
    assert page.is_visible('[data-testid="call-voicemail"]')
    assert page.is_visible('[data-testid="call-decline"]')
    assert not page.is_visible('[data-testid="call-keypad"]')

    page.focus('[data-testid="call-answer"]')  # from the keyboard
    page.keyboard.press("Enter")
    audio = "document.querySelector('[data-testid=\"call-audio\"]')"
    page_becomes(page, f"{audio}.src === {recording!r}")
    assert page.is_visible('[data-testid="call-keypad"]')
    assert violations(page) == []

    # Answered from the keyboard, the keypad has the focus: typing 1 presses it.
    page_becomes(page, "document.activeElement.dataset.testid === 'key-1'")
    page.keyboard.press("1")
    [action] = voice_app.wait_for(1, "/menu")
    assert (action.params["Digits"], action.params["CallSid"]) == ("1", sid)
    assert voice_app.accepted_by_messaging(action, TOKEN)
    caption = "document.querySelector('[data-testid=\"call-caption\"]')"
    page_becomes(page, f"{caption}.textContent === 'Thank you.'")
    page_becomes(page, f"{audio}.src.includes('/phone/say.wav?text=Thank+you.')")

    page.click('[data-testid="call-hangup"]')
    ended = eventually(
        lambda: (c := twilio.calls(sid).fetch()).status == "completed" and c, 10, "hung up"
    )
    assert ended.duration is not None
    page_becomes(page, f"document.querySelector('{status}').textContent.includes('ended')")
    log = requests.get(f"{fake_url}/_fake/calls/{sid}", timeout=5).json()
    assert log["keys"] == "1" and log["picked_up_by"] == "human"
    # The key cut the recording short: "Press 1" was never said. (The pause after "Thank
    # you." began only if its audio ended before the patient hung up.)
    heard = [(h["kind"], h["text"]) for h in log["heard"]]
    assert heard[:2] == [("play", recording), ("say", "Thank you.")]
    assert heard[2:] in ([], [("pause", "60")])


def test_letting_it_go_to_voicemail_from_the_page(
    page: Any, voice_app: TwimlApp, fake: tuple[Flask, str]
) -> None:
    _, fake_url = fake
    voice_app.routes["/voice"] = twiml("<Say>Please call the practice.</Say>")
    twilio = make_twilio_client(SID, TOKEN, fake_url)
    sid = twilio.calls.create(
        to=PATIENT, from_=CALLER, url=f"{voice_app.url}/voice", machine_detection="DetectMessageEnd"
    ).sid
    page.goto(f"{fake_url}/phone?number={quote(PATIENT)}")
    page.click('[data-testid="call-voicemail"]')
    [fetch] = voice_app.wait_for(1, "/voice")
    assert fetch.params["AnsweredBy"] == "machine_end_beep"
    eventually(lambda: twilio.calls(sid).fetch().status == "completed", 10, "the message left")
    log = requests.get(f"{fake_url}/_fake/calls/{sid}", timeout=5).json()
    assert log["heard"][0]["text"] == "Please call the practice."
    assert log["heard"][0]["answered_by"] == "machine"

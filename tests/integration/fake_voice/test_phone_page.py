"""The phone page's side of calls: what its script reads and sends, and its CSP (0033)."""

from __future__ import annotations

import re
import shutil
from typing import Any

import pytest
from flask import Flask
from twilio.rest import Client

from tests.integration.fake_voice.conftest import CALLER, PATIENT, call, finished
from tests.support.twiml_app import TwimlApp, twiml
from tests.support.waiting import eventually


@pytest.fixture
def page(fake_app: Flask) -> Any:
    return fake_app.test_client()


def state(page: Any) -> Any:
    return page.get("/phone/calls/current.json", query_string={"number": PATIENT}).get_json()[
        "call"
    ]


def test_the_page_loads_scripts_only_from_itself(
    page: Any, twilio: Client, voice_app: TwimlApp
) -> None:
    call(twilio, voice_app)
    response = page.get("/phone", query_string={"number": PATIENT})
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp and "unsafe-inline" not in csp
    html = response.get_data(as_text=True)
    assert re.findall(r"<script(?![^>]*\bsrc=)", html) == [], "no inline script"
    assert "<style" not in html and 'data-testid="call"' in html
    assert f'data-testid="phone-{PATIENT}"' in html, "a called number is listed"
    for testid in (
        "call-answer",
        "call-voicemail",
        "call-decline",
        "call-hangup",
        "key-1",
        "key-#",
    ):
        assert f'data-testid="{testid}"' in html
    for asset in ("phone.js", "phone_call.js", "phone.css"):
        with page.get(f"/phone/static/{asset}") as served:  # a file response: closed after
            assert served.status_code == 200


def test_the_page_answers_and_presses_keys(page: Any, twilio: Client, voice_app: TwimlApp) -> None:
    voice_app.routes["/voice"] = twiml(
        "<Gather action='/menu' numDigits='1'><Say language='en-GB'>Press 1</Say></Gather>"
    )
    sid = call(twilio, voice_app).sid
    ringing = eventually(
        lambda: (s := state(page)) and s["status"] == "ringing" and s, 5, "ringing"
    )
    assert (ringing["sid"], ringing["from"], ringing["prompt"]) == (sid, CALLER, None)
    assert page.post(f"/phone/calls/{sid}/answer", json={}).status_code == 200
    live = eventually(lambda: (s := state(page))["prompt"] and s, 5, "the prompt")
    assert live["listening"] and live["gathering"] and live["prompt"]["kind"] == "say"
    assert live["prompt"]["audio"] == "/phone/say.wav?text=Press+1&language=en-GB"
    assert page.post(f"/phone/calls/{sid}/keys", json={"digits": "1"}).status_code == 200
    [action] = voice_app.wait_for(1, "/menu")
    assert action.params["Digits"] == "1"
    finished(twilio, sid)
    assert state(page)["keys"] == "1"


def test_a_call_to_another_number_is_not_missed(
    page: Any, twilio: Client, voice_app: TwimlApp
) -> None:
    other = "+447400999999"
    call(twilio, voice_app, to=other)
    answer = page.get("/phone/calls/current.json", query_string={"number": PATIENT}).get_json()
    assert answer["call"] is None
    assert answer["elsewhere"] == [{"number": other, "url": "/phone?number=%2B447400999999"}]


def test_bad_page_requests_are_refused(page: Any, twilio: Client, voice_app: TwimlApp) -> None:
    sid = call(twilio, voice_app).sid
    assert page.post(f"/phone/calls/{sid}/keys", json={"digits": "x"}).status_code == 400
    assert page.post(f"/phone/calls/{sid}/played", json={"index": "0"}).status_code == 400
    assert page.post(f"/phone/calls/{sid}/dance", json={}).status_code == 400
    assert page.post("/phone/calls/CA00/answer", json={}).status_code == 400
    assert state(page)["status"] in ("queued", "ringing")


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")
def test_say_is_spoken_by_espeak(page: Any) -> None:
    response = page.get("/phone/say.wav", query_string={"text": "আপনাকে ধন্যবাদ", "language": "bn-IN"})
    assert response.status_code == 200 and response.mimetype == "audio/wav"
    assert response.data[:4] == b"RIFF" and len(response.data) > 10_000
    unknown = page.get("/phone/say.wav", query_string={"text": "x", "language": "xx-XX"})
    assert unknown.status_code == 404


def test_words_said_on_the_page_reach_a_speech_gather(
    page: Any, twilio: Client, voice_app: TwimlApp
) -> None:
    voice_app.routes["/voice"] = twiml("<Gather input='speech' action='/said' timeout='20'/>")
    sid = call(twilio, voice_app).sid
    eventually(lambda: state(page)["status"] == "ringing", 5, "ringing")
    page.post(f"/phone/calls/{sid}/answer", json={})
    eventually(lambda: state(page)["gathering"], 5, "the gather")
    assert page.post(f"/phone/calls/{sid}/speech", json={"text": "call me"}).status_code == 200
    [said] = voice_app.wait_for(1, "/said")
    assert said.params["SpeechResult"] == "call me"

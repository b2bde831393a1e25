"""Fixtures for the fake Twilio's voice: the fake on a port, a tiny TwiML app, the SDK."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests
from flask import Flask
from twilio.rest import Client

from services.fake_twilio import create_app
from services.fake_twilio.settings import FakeTwilioSettings
from services.messaging.adapters.twilio_client import make_twilio_client
from tests.support.twiml_app import TwimlApp, serving, twiml
from tests.support.waiting import eventually

SID = "AC" + "1234abcd" * 4
TOKEN = "test-auth-token"
CALLER = "+447700900123"
PATIENT = "+447400123456"
HELLO = twiml("<Say language='en-GB'>Hello</Say>")


@pytest.fixture
def voice_app() -> Iterator[TwimlApp]:
    voice_app = TwimlApp(routes={"/voice": HELLO})
    with serving(voice_app) as url:
        voice_app.url = url
        yield voice_app


@pytest.fixture
def fake_app() -> Iterator[Flask]:
    settings = FakeTwilioSettings(port=0, account_sid=SID, auth_token=TOKEN, phone_number=CALLER)
    fake = create_app(settings)
    yield fake
    fake.extensions["fake_twilio"].voice.close()
    fake.extensions["fake_twilio"].webhooks.close()


@pytest.fixture
def fake_url(fake_app: Flask) -> Iterator[str]:
    with serving(fake_app) as url:
        yield url


@pytest.fixture
def twilio(fake_url: str) -> Client:
    return make_twilio_client(SID, TOKEN, fake_url)


@pytest.fixture
def control(fake_url: str) -> Callable[..., Any]:
    def post(path: str, **body: Any) -> Any:
        response = requests.post(f"{fake_url}/_fake/{path}", json=body, timeout=5)
        assert response.ok, response.text
        return response.json()

    return post


def call(twilio: Client, voice_app: TwimlApp, to: str = PATIENT, **extra: Any) -> Any:
    return twilio.calls.create(to=to, from_=CALLER, url=f"{voice_app.url}/voice", **extra)


def finished(twilio: Client, sid: str, status: str = "completed") -> Any:
    return eventually(
        lambda: (c := twilio.calls(sid).fetch()).status == status and c, 10, f"call {status}"
    )

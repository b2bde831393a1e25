"""A fake Twilio for tests and the local run: the Messages and Calls APIs, signed webhooks,
a phone page.

Endpoints: Twilio's /2010-04-01/Accounts/<sid>/Messages[.json|/<sid>.json] (api.py; WhatsApp's
`whatsapp:` addresses and content templates in whatsapp.py) and Calls[.json|/<sid>.json]
(calls.py, run by voice_runner.py), test controls under /_fake/ (control.py,
voice_control.py, whatsapp.py), and the phone simulator at /phone (phone.py, phone_calls.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from flask import Flask

from services.fake_twilio import api, calls, control, phone, phone_calls, voice_control, whatsapp
from services.fake_twilio.callbacks import Webhooks
from services.fake_twilio.resources import Shapes
from services.fake_twilio.settings import FakeTwilioSettings
from services.fake_twilio.store import Store
from services.fake_twilio.voice_runner import VoiceRunner
from services.fake_twilio.voice_store import CallStore


@dataclass
class FakeTwilio:
    """Everything one app instance holds; views reach it as app.extensions["fake_twilio"]."""

    settings: FakeTwilioSettings
    store: Store = field(default_factory=Store)
    calls: CallStore = field(default_factory=CallStore)
    content_templates: whatsapp.ContentTemplates = field(default_factory=whatsapp.ContentTemplates)

    def __post_init__(self) -> None:
        if self.settings.content_templates:
            self.content_templates.load(Path(self.settings.content_templates))
        self.webhooks = Webhooks(self.settings, self.store)
        self.voice = VoiceRunner(self.settings, self.calls)
        self.shapes = Shapes(self.settings.account_sid)
        self.auth_header = api.basic_auth_header(
            self.settings.account_sid, self.settings.auth_token
        )


def create_app(settings: FakeTwilioSettings | None = None) -> Flask:
    app = Flask(__name__)
    app.extensions["fake_twilio"] = FakeTwilio(settings or FakeTwilioSettings.from_env())
    app.register_blueprint(api.blp)
    app.register_blueprint(control.blp)
    app.register_blueprint(calls.blp)
    app.register_blueprint(voice_control.blp)
    app.register_blueprint(phone.blp)
    app.register_blueprint(phone_calls.blp)
    app.register_blueprint(whatsapp.blp)
    return app

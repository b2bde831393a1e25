"""A fake Twilio for tests and the local run: the Messages API, signed webhooks, a phone page.

Endpoints: Twilio's /2010-04-01/Accounts/<sid>/Messages[.json|/<sid>.json] (api.py), test
controls under /_fake/ (control.py), and the phone simulator at /phone (phone.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import Flask

from services.fake_twilio import api, control, phone
from services.fake_twilio.callbacks import Webhooks
from services.fake_twilio.resources import Shapes
from services.fake_twilio.settings import FakeTwilioSettings
from services.fake_twilio.store import Store


@dataclass
class FakeTwilio:
    """Everything one app instance holds; views reach it as app.extensions["fake_twilio"]."""

    settings: FakeTwilioSettings
    store: Store = field(default_factory=Store)

    def __post_init__(self) -> None:
        self.webhooks = Webhooks(self.settings, self.store)
        self.shapes = Shapes(self.settings.account_sid)
        self.auth_header = api.basic_auth_header(
            self.settings.account_sid, self.settings.auth_token
        )


def create_app(settings: FakeTwilioSettings | None = None) -> Flask:
    app = Flask(__name__)
    app.extensions["fake_twilio"] = FakeTwilio(settings or FakeTwilioSettings.from_env())
    app.register_blueprint(api.blp)
    app.register_blueprint(control.blp)
    app.register_blueprint(phone.blp)
    return app

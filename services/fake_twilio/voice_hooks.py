"""The requests Twilio makes for a call, signed as Twilio signs them.

POST: X-Twilio-Signature over the URL plus the sorted form parameters. GET: the parameters
go into the query string and the signature covers that whole URL (no form). Every request
is recorded on the call, with how the app answered.
"""

from __future__ import annotations

from dataclasses import dataclass
from http.cookiejar import DefaultCookiePolicy
from urllib.parse import urlencode

import requests
from requests.adapters import HTTPAdapter
from twilio.request_validator import RequestValidator

from services.fake_twilio.resources import API_VERSION
from services.fake_twilio.settings import FakeTwilioSettings
from services.fake_twilio.store import WebhookResult, rfc2822
from services.fake_twilio.voice_store import FakeCall, Hook
from shared.clock import now

TWIML_TIMEOUT = 15  # seconds, as Twilio waits for a TwiML document


@dataclass(frozen=True)
class Fetched:
    result: WebhookResult
    body: str = ""

    @property
    def ok(self) -> bool:
        return self.result.ok


class VoiceHooks:
    def __init__(self, settings: FakeTwilioSettings) -> None:
        self.settings = settings
        self.validator = RequestValidator(settings.auth_token)
        self.http = requests.Session()
        self.http.trust_env = False  # no proxy from the environment between us and localhost
        self.http.cookies.set_policy(DefaultCookiePolicy(allowed_domains=[]))  # Twilio keeps none
        self.http.mount("http://", HTTPAdapter(pool_maxsize=64))

    def params(self, call: FakeCall) -> dict[str, str]:
        """What Twilio sends with every request about a call."""
        params = {
            "AccountSid": self.settings.account_sid,
            "ApiVersion": API_VERSION,
            "CallSid": call.sid,
            "CallStatus": call.status,
            "Called": call.to,
            "Caller": call.from_,
            "Direction": "outbound-api",
            "From": call.from_,
            "To": call.to,
        }
        if call.answered_by:
            params["AnsweredBy"] = call.answered_by
        return params

    def request(
        self, call: FakeCall, purpose: str, url: str, method: str, params: dict[str, str]
    ) -> Fetched:
        """One signed request; its answer's body for TwiML."""
        if method == "GET":
            target = url + ("&" if "?" in url else "?") + urlencode(params)
            signature = self.validator.compute_signature(target, {})
            data: dict[str, str] | None = None
        else:
            target, data = url, params
            signature = self.validator.compute_signature(url, params)
        headers = {"X-Twilio-Signature": signature, "User-Agent": "TwilioProxy/1.1"}
        try:
            response = self.http.request(
                method, target, data=data, headers=headers, timeout=TWIML_TIMEOUT
            )
        except requests.RequestException as exc:
            fetched = Fetched(WebhookResult(None, type(exc).__name__))
        else:
            fetched = Fetched(WebhookResult(response.status_code), response.text)
        call.hooks.append(Hook(purpose, url, method, params, fetched.result))
        return fetched

    def status(self, call: FakeCall, event: str) -> None:
        """A status callback for `event` (initiated, ringing, answered, completed), if asked.

        The initiated event reports CallStatus "initiated", a state the resource never shows.
        """
        if not call.status_callback or event not in call.status_events:
            return
        params = self.params(call) | {
            "CallbackSource": "call-progress-events",
            "SequenceNumber": str(call.callbacks_sent),
            "Timestamp": rfc2822(now()) or "",
        }
        if event == "initiated":
            params["CallStatus"] = "initiated"
        if call.final and call.duration is not None:
            params["CallDuration"] = str(call.duration)
        call.callbacks_sent += 1
        self.request(call, "status", call.status_callback, call.status_callback_method, params)

    def close(self) -> None:
        self.http.close()

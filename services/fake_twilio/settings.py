"""The fake Twilio server's settings, from FAKE_TWILIO_* environment variables."""

from __future__ import annotations

from dataclasses import dataclass

from environs import Env


@dataclass(frozen=True)
class FakeTwilioSettings:
    port: int = 8010
    host: str = "127.0.0.1"  # 0.0.0.0 inside a container
    account_sid: str = "AC" + "0" * 32  # a fixed fake: TrialReach's local config uses it too
    auth_token: str = "fake-auth-token"  # noqa: S105 - a fake server's fake credential
    phone_number: str = "+447700900000"  # the number patients reply to
    inbound_url: str = "http://127.0.0.1:8002/webhooks/twilio/inbound"
    # Twilio's fallback URL: called, signed for itself, when the inbound URL fails.
    inbound_fallback_url: str | None = None
    status_delay: float = 0.1  # seconds before each status change (sent, then delivered)
    # Voice (decision 0033): how a number with no planned behaviour takes a call (ring: wait
    # for the phone page), seconds before it rings and is picked up, and the factor on every
    # wait of a scripted call (Pause, Gather timeout, no-answer) so tests do not sit through it.
    call_default: str = "ring"
    ring_delay: float = 0.05
    voice_time_scale: float = 0.02
    # A JSON file {ContentSid: approved text} read at start (the local run's demo templates);
    # tests tell the running server with POST /_fake/whatsapp/templates instead.
    content_templates: str | None = None

    @classmethod
    def from_env(cls) -> FakeTwilioSettings:
        env = Env()
        with env.prefixed("FAKE_TWILIO_"):
            return cls(
                port=env.int("PORT", cls.port),
                host=env.str("HOST", cls.host),
                account_sid=env.str("ACCOUNT_SID", cls.account_sid),
                auth_token=env.str("AUTH_TOKEN", cls.auth_token),
                phone_number=env.str("PHONE_NUMBER", cls.phone_number),
                inbound_url=env.str("INBOUND_URL", cls.inbound_url),
                inbound_fallback_url=env.str("INBOUND_FALLBACK_URL", None) or None,
                status_delay=env.float("STATUS_DELAY", cls.status_delay),
                call_default=env.str("CALL_DEFAULT", cls.call_default),
                ring_delay=env.float("RING_DELAY", cls.ring_delay),
                voice_time_scale=env.float("VOICE_TIME_SCALE", cls.voice_time_scale),
                content_templates=env.str("CONTENT_TEMPLATES", None) or None,
            )

"""Messaging settings from the environment."""

from __future__ import annotations

from dataclasses import dataclass

from environs import Env
from marshmallow.validate import Range

from services.messaging.domain.windows import ALWAYS, DEFAULT_WINDOW, SendingWindow
from shared.config import CommonSettings, ConfigError, read_common, sealed


@dataclass(frozen=True)
class TwilioSettings:
    account_sid: str
    auth_token: str
    from_number: str | None
    messaging_service_sid: str | None
    api_base_url: str | None  # only to point the SDK at the fake Twilio server


@dataclass(frozen=True)
class MessagingSettings:
    common: CommonSettings
    twilio: TwilioSettings
    public_base_url: str  # what Twilio calls back; signatures are checked against it
    validity_seconds: int
    send_batch_size: int
    send_poll_interval: float
    reconcile_after_seconds: int
    send_rate_per_second: float = 0.0  # 0: no limit
    send_concurrency: int = 32  # provider calls in flight per sending process
    default_window: SendingWindow = DEFAULT_WINDOW
    price_per_segment: float = 0.04
    price_currency: str = "GBP"
    # Twilio's fallback URL for inbound texts (called when the first URL fails); requests
    # signed for it are accepted too. None: only public_base_url (decision 16).
    fallback_base_url: str | None = None
    # Reconciliation with Twilio's API (decision 16): how often, how far back for replies,
    # and how old a text still `accepted`/`sent` must be before its status is fetched.
    provider_reconcile_every: float = 300.0
    inbound_lookback_seconds: int = 2 * 24 * 3600
    status_reconcile_after_seconds: int = 3600


def load_settings() -> MessagingSettings:
    env = Env(eager=False)
    common = read_common("messaging", env)
    twilio = TwilioSettings(
        account_sid=env.str("TWILIO_ACCOUNT_SID"),
        auth_token=env.str("TWILIO_AUTH_TOKEN"),
        from_number=env.str("TWILIO_FROM_NUMBER", None),
        messaging_service_sid=env.str("TWILIO_MESSAGING_SERVICE_SID", None),
        api_base_url=env.str("TWILIO_API_BASE_URL", None),
    )
    settings = MessagingSettings(
        common=common,
        twilio=twilio,
        public_base_url=env.str("MESSAGING_PUBLIC_BASE_URL", "http://127.0.0.1:8002").rstrip("/"),
        # Twilio drops a message still queued after this, so a late text never lands at night.
        validity_seconds=env.int("SMS_VALIDITY_SECONDS", 4 * 3600, validate=Range(60, 36000)),
        send_batch_size=env.int("SEND_BATCH_SIZE", 200, validate=Range(min=1)),
        send_poll_interval=env.float("SEND_POLL_INTERVAL", 0.2),
        reconcile_after_seconds=env.int("SEND_RECONCILE_AFTER", 60, validate=Range(min=1)),
        # Across every sending process together; Twilio queues what goes over its own limit.
        send_rate_per_second=env.float("SEND_RATE_PER_SECOND", 0.0, validate=Range(min=0)),
        send_concurrency=env.int("SEND_CONCURRENCY", 32, validate=Range(1, 256)),
        default_window=_window(env.str("SEND_WINDOW", "mon-fri 09:00-18:00")),
        price_per_segment=env.float("SMS_PRICE_PER_SEGMENT", 0.04, validate=Range(min=0)),
        price_currency=env.str("SMS_PRICE_CURRENCY", "GBP"),
        fallback_base_url=_base_url(env.str("MESSAGING_FALLBACK_BASE_URL", None)),
        provider_reconcile_every=env.float(
            "PROVIDER_RECONCILE_EVERY", 300.0, validate=Range(min=1)
        ),
        inbound_lookback_seconds=env.int(
            "INBOUND_RECONCILE_LOOKBACK", 2 * 24 * 3600, validate=Range(min=60)
        ),
        status_reconcile_after_seconds=env.int(
            "STATUS_RECONCILE_AFTER", 3600, validate=Range(min=1)
        ),
    )
    sealed(env)
    if not (twilio.from_number or twilio.messaging_service_sid):
        raise ConfigError(
            "Configuration error: set TWILIO_FROM_NUMBER or TWILIO_MESSAGING_SERVICE_SID"
        )
    return settings


def _base_url(value: str | None) -> str | None:
    return value.rstrip("/") if value else None


def _window(value: str) -> SendingWindow:
    """'mon-fri 09:00-18:00' (Europe/London), or 'always'."""
    if value.strip().lower() == "always":
        return ALWAYS
    try:
        days, hours = value.split()
        start, end = hours.split("-")
        return SendingWindow.parse(days, start, end)
    except ValueError as exc:
        raise ConfigError(
            f"Configuration error: SEND_WINDOW {value!r} is not like 'mon-fri 09:00-18:00' "
            f"or 'always' ({exc})"
        ) from exc

"""Messaging settings from the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from environs import Env
from marshmallow.validate import Length, OneOf, Range

from services.messaging.domain.channels import ChannelPrices
from services.messaging.domain.windows import ALWAYS, DEFAULT_WINDOW, SendingWindow
from shared.config import VAR_DIR, CommonSettings, ConfigError, read_common, sealed


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
    connect_timeout: float = 5.0  # every provider call: seconds to connect...
    read_timeout: float = 15.0  # ...and to wait for the answer
    breaker_failures: int = 5  # provider outages in a row that open the circuit breaker
    breaker_cooldown: float = 2.0  # seconds before the first probe; doubles per failed one
    breaker_max_cooldown: float = 60.0
    metrics_port: int = 0  # the sender's own /metrics; 0: none
    default_window: SendingWindow = DEFAULT_WINDOW
    price_per_segment: float = 0.04
    price_currency: str = "GBP"
    channel_prices: ChannelPrices | None = None  # WhatsApp, call and letter prices
    # Twilio's fallback URL for inbound texts (called when the first URL fails); requests
    # signed for it are accepted too. None: only public_base_url (decision 16).
    fallback_base_url: str | None = None
    # Reconciliation with Twilio's API (decision 16): how often, how far back for replies,
    # and how old a text still `accepted`/`sent` must be before its status is fetched.
    provider_reconcile_every: float = 300.0
    inbound_lookback_seconds: int = 2 * 24 * 3600
    status_reconcile_after_seconds: int = 3600
    # Calls placed a second across every sender together (Twilio's account default is 1),
    # a bucket of its own beside the texts' (decision 27).
    call_rate_per_second: float = 1.0
    letters: LetterSettings = field(default_factory=lambda: LetterSettings())
    # Test systems only (decision 30): `advance-cascades --as-of` may run cascades on a clock
    # moved forward. Refused at start unless Twilio is the fake server.
    cascade_clock_movable: bool = False

    @property
    def prices(self) -> ChannelPrices:
        """Every channel's price: what previews, letter previews and reports all read, so a
        letter's postage is one number (LETTER_POSTAGE)."""
        return self.channel_prices or ChannelPrices(
            self.price_per_segment, currency=self.price_currency
        )


@dataclass(frozen=True)
class LetterSettings:
    """Letters (decision 0029): where the registry answers for addresses and the credential
    it asks for, and the print provider. Postage is the letter's price in ChannelPrices."""

    registry_url: str = "http://127.0.0.1:8001"
    service_token: str | None = None
    print_provider: str = "fake"  # only a fake so far: it keeps each batch's PDF in print_dir
    print_dir: Path = field(default_factory=lambda: VAR_DIR / "print")


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
    per_part = env.float("SMS_PRICE_PER_SEGMENT", 0.04, validate=Range(min=0))
    currency = env.str("SMS_PRICE_CURRENCY", "GBP")
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
        connect_timeout=env.float("SEND_CONNECT_TIMEOUT", 5.0, validate=Range(0.1, 60)),
        read_timeout=env.float("SEND_READ_TIMEOUT", 15.0, validate=Range(0.1, 300)),
        breaker_failures=env.int("SEND_BREAKER_FAILURES", 5, validate=Range(min=1)),
        breaker_cooldown=env.float("SEND_BREAKER_COOLDOWN", 2.0, validate=Range(0.1, 3600)),
        breaker_max_cooldown=env.float(
            "SEND_BREAKER_MAX_COOLDOWN", 60.0, validate=Range(0.1, 3600)
        ),
        metrics_port=env.int("SENDER_METRICS_PORT", 0, validate=Range(0, 65535)),
        default_window=_window(env.str("SEND_WINDOW", "mon-fri 09:00-18:00")),
        price_per_segment=per_part,
        price_currency=currency,
        channel_prices=ChannelPrices(
            sms_per_part=per_part,
            whatsapp=env.float("WHATSAPP_PRICE_PER_MESSAGE", 0.03, validate=Range(min=0)),
            voice=env.float("VOICE_PRICE_PER_CALL", 0.10, validate=Range(min=0)),
            # One postage for the batch preview, the letters' preview and reports.
            letter=env.float("LETTER_POSTAGE", 0.85, validate=Range(min=0)),
            currency=currency,
        ),
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
        call_rate_per_second=env.float("CALL_RATE_PER_SECOND", 1.0, validate=Range(min=0)),
        letters=LetterSettings(
            registry_url=env.str("REGISTRY_URL", "http://127.0.0.1:8001").rstrip("/"),
            # the same credential the registry checks, at least 16 characters there too
            service_token=env.str("LETTERS_SERVICE_TOKEN", None, validate=Length(min=16)) or None,
            print_provider=env.str("LETTER_PRINT_PROVIDER", "fake", validate=OneOf(["fake"])),
            print_dir=env.path("LETTER_PRINT_DIR", VAR_DIR / "print"),
        ),
        cascade_clock_movable=env.bool("CASCADE_CLOCK_MOVABLE", False),
    )
    sealed(env)
    if settings.cascade_clock_movable and twilio.api_base_url is None:
        raise ConfigError(
            "Configuration error: CASCADE_CLOCK_MOVABLE is for test systems: it needs "
            "TWILIO_API_BASE_URL pointing at the fake Twilio server"
        )
    if os.environ.get(RETIRED_POSTAGE) is not None:
        raise ConfigError(
            f"Configuration error: {RETIRED_POSTAGE} is no longer read; set LETTER_POSTAGE "
            "(one postage for every preview and report)"
        )
    if not (twilio.from_number or twilio.messaging_service_sid):
        raise ConfigError(
            "Configuration error: set TWILIO_FROM_NUMBER or TWILIO_MESSAGING_SERVICE_SID"
        )
    check_timeouts(settings)
    return settings


# The letters' price once had two names; a deployment still setting the old one is told.
RETIRED_POSTAGE = "LETTER_PRICE_PER_LETTER"


def _base_url(value: str | None) -> str | None:
    return value.rstrip("/") if value else None


# Between the end of the longest provider call and its reconciliation: clocks of different
# machines, and the provider finishing a request we stopped waiting for.
RECONCILE_MARGIN = 2.0


def check_timeouts(settings: MessagingSettings) -> None:
    """A call must end well before anyone may reconcile its attempt, or a text still being
    sent could be judged lost and sent again (issue 13)."""
    longest = settings.connect_timeout + settings.read_timeout
    if settings.reconcile_after_seconds < longest + RECONCILE_MARGIN:
        raise ConfigError(
            f"Configuration error: SEND_RECONCILE_AFTER ({settings.reconcile_after_seconds} s) "
            f"must be at least SEND_CONNECT_TIMEOUT + SEND_READ_TIMEOUT ({longest:g} s) "
            f"+ {RECONCILE_MARGIN:g} s"
        )
    if settings.breaker_max_cooldown < settings.breaker_cooldown:
        raise ConfigError(
            "Configuration error: SEND_BREAKER_MAX_COOLDOWN must be at least SEND_BREAKER_COOLDOWN"
        )


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

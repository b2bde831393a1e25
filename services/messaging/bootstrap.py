"""The one place that builds messaging's adapters and wires them together."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from threading import Event

from prometheus_client import start_http_server

from services.messaging.adapters import orm
from services.messaging.adapters.circuit_breaker import DatabaseCircuitBreaker
from services.messaging.adapters.provider import SmsProvider
from services.messaging.adapters.provider_metrics import InstrumentedProvider, ProviderMetrics
from services.messaging.adapters.rate_limiter import DatabaseRateLimiter
from services.messaging.adapters.sender_lease import SenderLease
from services.messaging.adapters.twilio_client import make_twilio_client
from services.messaging.adapters.twilio_history import TwilioHistory
from services.messaging.adapters.twilio_provider import TwilioProvider
from services.messaging.adapters.webhook_hold import WebhookHold
from services.messaging.config import MessagingSettings
from services.messaging.domain.breaker import BreakerPolicy
from services.messaging.entrypoints.handlers import HANDLERS
from services.messaging.entrypoints.provider_reconciler import ProviderReconciler
from services.messaging.entrypoints.sender import Sender, SenderParts
from services.messaging.service_layer.unit_of_work import MessagingUnitOfWork
from shared.db.engine import make_engine, make_session_factory
from shared.runtime import Runtime

MIGRATIONS = Path(__file__).parent / "migrations"


def build_runtime(settings: MessagingSettings) -> Runtime:
    orm.start_mappers()
    engine = make_engine(settings.common.database_url)
    uow_factory = partial(
        MessagingUnitOfWork, make_session_factory(engine), orm.platform, "messaging"
    )
    return Runtime(
        settings=settings.common,
        engine=engine,
        metadata=orm.metadata,
        tables=orm.platform,
        uow_factory=uow_factory,
        handlers=HANDLERS,
        migrations=MIGRATIONS,
    )


def build_provider(settings: MessagingSettings) -> TwilioProvider:
    twilio = settings.twilio
    client = make_twilio_client(
        twilio.account_sid,
        twilio.auth_token,
        twilio.api_base_url,
        pool_size=settings.send_concurrency,
        connect_timeout=settings.connect_timeout,
        read_timeout=settings.read_timeout,
    )
    return TwilioProvider(
        client,
        from_number=twilio.from_number,
        messaging_service_sid=twilio.messaging_service_sid,
    )


def build_reconciler(settings: MessagingSettings, runtime: Runtime) -> ProviderReconciler:
    """Held webhook requests and Twilio's own record of messages (decision 16)."""
    twilio = settings.twilio
    client = make_twilio_client(
        twilio.account_sid, twilio.auth_token, twilio.api_base_url, pool_size=2
    )
    return ProviderReconciler(
        settings,
        runtime.uow_factory,  # type: ignore[arg-type]
        runtime.check_database,
        TwilioHistory(client),
        WebhookHold(settings.common.bus),
    )


def build_sender(
    settings: MessagingSettings,
    runtime: Runtime,
    provider: SmsProvider | None = None,
    *,
    metrics: ProviderMetrics | None = None,
    stop: Event | None = None,
    serve_metrics: bool = False,
) -> Sender:
    """A sending worker: the provider (Twilio unless given) counted and timed, the shared
    rate limit and circuit breaker, and this process's lease."""
    metrics = metrics or ProviderMetrics()
    name = "twilio" if provider is None else type(provider).__name__.lower()
    inner = provider or build_provider(settings)
    longest = settings.connect_timeout + settings.read_timeout
    policy = BreakerPolicy(
        threshold=settings.breaker_failures,
        cooldown=settings.breaker_cooldown,
        max_cooldown=settings.breaker_max_cooldown,
        probe_lease=longest + 1.0,  # the probe's call has ended by then, one way or another
    )
    parts = SenderParts(
        provider=InstrumentedProvider(inner, name, metrics, slow_after=settings.read_timeout / 2),
        breaker=DatabaseCircuitBreaker(runtime.engine, "sms", policy),
        lease=SenderLease(runtime.engine, ttl=float(settings.reconcile_after_seconds)),
        limiter=(
            DatabaseRateLimiter(runtime.engine, "sms", settings.send_rate_per_second)
            if settings.send_rate_per_second > 0
            else None
        ),
    )
    if serve_metrics and settings.metrics_port:
        start_http_server(settings.metrics_port, registry=metrics.registry)
    return Sender(settings, runtime, parts, stop)

"""The one place that builds messaging's adapters and wires them together."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from threading import Event

from flask import Flask

from services.messaging.adapters import orm
from services.messaging.adapters.circuit_breaker import DatabaseCircuitBreaker
from services.messaging.adapters.letter_ports import (
    FilePrintProvider,
    RegistryRecipients,
    WeasyPrintRenderer,
)
from services.messaging.adapters.provider import SmsProvider
from services.messaging.adapters.provider_metrics import InstrumentedProvider, ProviderMetrics
from services.messaging.adapters.rate_limiter import DatabaseRateLimiter
from services.messaging.adapters.sender_lease import SenderLease
from services.messaging.adapters.twilio_client import make_twilio_client
from services.messaging.adapters.twilio_history import TwilioHistory
from services.messaging.adapters.twilio_provider import TwilioProvider
from services.messaging.adapters.webhook_hold import WebhookHold, held_queue
from services.messaging.config import MessagingSettings
from services.messaging.domain.breaker import BreakerPolicy
from services.messaging.entrypoints.api import (
    batches,
    callbacks,
    calls,
    channels,
    letters,
    messages,
    recordings,
    replies,
    segments,
    templates,
    trials,
    webhooks,
)
from services.messaging.entrypoints.handlers import HANDLERS
from services.messaging.entrypoints.provider_reconciler import ProviderReconciler
from services.messaging.entrypoints.sender import Sender, SenderParts
from services.messaging.service_layer.statuses import StatusCallback, store_statuses
from services.messaging.service_layer.unit_of_work import SqlMessagingUnitOfWork
from shared.db.group_commit import GroupCommit
from shared.http.app import service_app
from shared.http.metrics_server import serve_metrics as serve_metrics_on
from shared.http.observability import metrics_access
from shared.runtime import Runtime, service_runtime

MIGRATIONS = Path(__file__).parent / "migrations"


def build_runtime(settings: MessagingSettings) -> Runtime[SqlMessagingUnitOfWork]:
    return service_runtime(
        settings.common,
        orm,
        unit_of_work=lambda sessions: SqlMessagingUnitOfWork(sessions, orm.platform, "messaging"),
        handlers=HANDLERS,
        migrations=MIGRATIONS,
        own_queues=() if settings.common.bus.is_filesystem else (held_queue(settings.common.bus),),
    )


def build_app(settings: MessagingSettings) -> Flask:
    app = service_app(
        settings,
        build_runtime,
        title="TrialReach messaging",
        description="SMS invitations, delivery status, replies and opt-outs.",
        blueprints=[
            webhooks.blp,
            messages.blp,
            batches.blp,
            templates.blp,
            segments.blp,
            replies.blp,
            callbacks.blp,
            trials.blp,
            calls.blp,
            recordings.blp,
            recordings.played,
            channels.blp,
            letters.blp,
        ],
    )
    runtime: Runtime = app.extensions["trialreach.runtime"]
    app.extensions[webhooks.STATUS_WRITER] = build_status_writer(runtime)
    # Connects on first use: where webhooks go while the database is away (decision 16).
    app.extensions[webhooks.HOLD] = WebhookHold(settings.common.bus)
    app.extensions[letters.PORTS] = build_letter_ports(settings)
    return app


def build_letter_ports(
    settings: MessagingSettings,
) -> tuple[RegistryRecipients, WeasyPrintRenderer, FilePrintProvider]:
    """Where addresses come from, the layout engine, and the print provider (a fake so far)."""
    config = settings.letters
    return (
        RegistryRecipients(config.registry_url, config.service_token),
        WeasyPrintRenderer(),
        FilePrintProvider(config.print_dir),
    )


def build_status_writer(runtime: Runtime) -> GroupCommit[StatusCallback, None]:
    """This process's one writer of status callbacks (they arrive in bursts); its thread
    starts with the first callback, so a forked worker starts its own."""
    new_uow = runtime.uow_factory

    def store(group: Sequence[StatusCallback]) -> list[None]:
        store_statuses(new_uow(), group)
        return [None] * len(group)

    return GroupCommit(store, name="status-callbacks", gather=webhooks.GATHER)


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
        call_from=twilio.from_number,
    )


def build_reconciler(settings: MessagingSettings, runtime: Runtime) -> ProviderReconciler:
    """Held webhook requests and Twilio's own record of messages (decision 16)."""
    twilio = settings.twilio
    client = make_twilio_client(
        twilio.account_sid, twilio.auth_token, twilio.api_base_url, pool_size=2
    )
    return ProviderReconciler(
        settings,
        runtime.uow_factory,
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
        call_limiter=(
            DatabaseRateLimiter(runtime.engine, "calls", settings.call_rate_per_second)
            if settings.call_rate_per_second > 0
            else None
        ),
    )
    if serve_metrics and settings.metrics_port:
        may_read = metrics_access(settings.common.metrics_token)
        serve_metrics_on(settings.metrics_port, metrics.registry, may_read)
    return Sender(settings, runtime, parts, stop)

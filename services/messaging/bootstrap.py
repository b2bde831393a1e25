"""The one place that builds messaging's adapters and wires them together."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from services.messaging.adapters import orm
from services.messaging.adapters.twilio_client import make_twilio_client
from services.messaging.adapters.twilio_history import TwilioHistory
from services.messaging.adapters.twilio_provider import TwilioProvider
from services.messaging.adapters.webhook_hold import WebhookHold
from services.messaging.config import MessagingSettings
from services.messaging.entrypoints.handlers import HANDLERS
from services.messaging.entrypoints.provider_reconciler import ProviderReconciler
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

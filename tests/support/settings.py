"""Settings objects for tests, built directly (no environment) for each service."""

from __future__ import annotations

import uuid
from pathlib import Path

from services.consent.config import ConsentSettings
from services.messaging.config import MessagingSettings, TwilioSettings
from services.registry.config import RegistrySettings
from shared.config import BusSettings, CommonSettings

DOB_KEY = "test-dob-hash-key-0123456789"
TWILIO_SID = "AC" + "0" * 32
TWILIO_TOKEN = "test-auth-token"


def bus_settings(broker_url: str, data_dir: Path, namespace: str | None = None) -> BusSettings:
    return BusSettings(
        broker_url=broker_url,
        namespace=namespace or f"test-{uuid.uuid4().hex[:8]}",
        data_dir=data_dir,
        retry_delays=(0.1, 0.2, 0.4),
        outbox_batch_size=500,
        outbox_poll_interval=0.01,
        prefetch=50,
    )


def common(service: str, database_url: str, bus: BusSettings) -> CommonSettings:
    return CommonSettings(
        service=service,
        database_url=database_url,
        bus=bus,
        log_level="WARNING",
        log_format="json",
        testing=True,
    )


LETTERS_TOKEN = "letters-service-credential-for-tests"


def registry(database_url: str, bus: BusSettings) -> RegistrySettings:
    return RegistrySettings(
        common=common("registry", database_url, bus),
        dob_hash_key=DOB_KEY,
        letters_service_token=LETTERS_TOKEN,
    )


def consent(database_url: str, bus: BusSettings) -> ConsentSettings:
    return ConsentSettings(
        common=common("consent", database_url, bus),
        dob_hash_key=DOB_KEY,
        public_base_url="http://consent.test",
    )


def messaging(
    database_url: str, bus: BusSettings, twilio_url: str | None = None
) -> MessagingSettings:
    return MessagingSettings(
        common=common("messaging", database_url, bus),
        twilio=TwilioSettings(
            account_sid=TWILIO_SID,
            auth_token=TWILIO_TOKEN,
            from_number="+447700900000",
            messaging_service_sid=None,
            api_base_url=twilio_url,
        ),
        public_base_url="http://messaging.test",
        validity_seconds=3600,
        send_batch_size=50,
        send_poll_interval=0.05,
        reconcile_after_seconds=1,
    )

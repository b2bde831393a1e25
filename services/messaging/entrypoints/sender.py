"""The sending worker process: claim, send, record; reconcile unknown attempts."""

from __future__ import annotations

import time
import uuid
from datetime import timedelta

from services.messaging.adapters.provider import SmsProvider
from services.messaging.config import MessagingSettings
from services.messaging.service_layer import sending
from services.messaging.service_layer.unit_of_work import MessagingUnitOfWork
from shared.logs import get_logger
from shared.runtime import Runtime, stop_on_signals

log = get_logger(__name__)
RECONCILE_EVERY = 10.0


class Sender:
    def __init__(self, settings: MessagingSettings, runtime: Runtime, provider: SmsProvider):
        self.settings = settings
        self.runtime = runtime
        self.provider = provider
        self._last_reconcile = 0.0

    def _uow(self) -> MessagingUnitOfWork:
        uow = self.runtime.uow_factory()
        assert isinstance(uow, MessagingUnitOfWork)
        return uow

    def callback_url(self, message_id: uuid.UUID) -> str:
        return f"{self.settings.public_base_url}/webhooks/twilio/status/{message_id}"

    def run_once(self) -> int:
        if time.monotonic() - self._last_reconcile > RECONCILE_EVERY:
            stale = timedelta(seconds=self.settings.reconcile_after_seconds)
            settled = sending.reconcile(self._uow(), self.provider, stale)
            if settled:
                log.info("attempts_reconciled", count=settled)
            self._last_reconcile = time.monotonic()
        jobs = sending.claim(self._uow(), self.settings.send_batch_size)
        for job in jobs:
            sending.send(
                self._uow(), self.provider, job, self.callback_url, self.settings.validity_seconds
            )
        return len(jobs)


def run_sender(settings: MessagingSettings, runtime: Runtime, provider: SmsProvider) -> None:
    sender = Sender(settings, runtime, provider)
    stop = stop_on_signals()
    log.info("sender_started")
    while not stop.is_set():
        try:
            sent = sender.run_once()
        except Exception:  # database away: keep the process, try again shortly
            log.exception("sender_failed")
            stop.wait(1.0)
            continue
        if sent == 0:
            stop.wait(settings.send_poll_interval)

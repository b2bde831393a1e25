"""The sending worker process: claim, send, record; reconcile unknown attempts; reminders;
and, on a thread of its own, apply the status callbacks the webhook stored.

Provider calls run on a small thread pool, so a slow provider (hundreds of milliseconds a
call) still fills the rate limit; their outcomes are recorded in one transaction per round.
The limit itself is a token bucket in the database, shared by every sending process.
"""

from __future__ import annotations

import time
import uuid
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from datetime import timedelta
from threading import Event

from services.messaging.adapters.provider import Accepted, ProviderError, SmsProvider
from services.messaging.adapters.rate_limiter import DatabaseRateLimiter
from services.messaging.config import MessagingSettings
from services.messaging.domain.rate import claim_size
from services.messaging.entrypoints.status_applier import start_applier
from services.messaging.service_layer import batches, sending
from services.messaging.service_layer.unit_of_work import MessagingUnitOfWork
from shared.logs import get_logger
from shared.runtime import Runtime, stop_on_signals

log = get_logger(__name__)
RECONCILE_EVERY = 10.0
REMINDERS_EVERY = 60.0
Outcome = tuple[sending.SendJob, Accepted | ProviderError]


class Sender:
    def __init__(
        self,
        settings: MessagingSettings,
        runtime: Runtime,
        provider: SmsProvider,
        stop: Event | None = None,
    ):
        self.settings = settings
        self.runtime = runtime
        self.provider = provider
        self.stop = stop or Event()
        self.limiter = (
            DatabaseRateLimiter(runtime.engine, "sms", settings.send_rate_per_second)
            if settings.send_rate_per_second > 0
            else None
        )
        self.claim_size = claim_size(settings.send_batch_size, settings.send_rate_per_second)
        self.pool = ThreadPoolExecutor(settings.send_concurrency, thread_name_prefix="send")
        self.in_flight: set[Future[Outcome]] = set()
        self._last_reconcile = 0.0
        self._last_reminders = 0.0

    def new_uow(self) -> MessagingUnitOfWork:
        uow = self.runtime.uow_factory()
        assert isinstance(uow, MessagingUnitOfWork)
        return uow

    def callback_url(self, message_id: uuid.UUID) -> str:
        return f"{self.settings.public_base_url}/webhooks/twilio/status/{message_id}"

    def _housekeeping(self) -> None:
        if time.monotonic() - self._last_reconcile > RECONCILE_EVERY:
            stale = timedelta(seconds=self.settings.reconcile_after_seconds)
            settled = sending.reconcile(self.new_uow(), self.provider, stale)
            if settled:
                log.info("attempts_reconciled", count=settled)
            self._last_reconcile = time.monotonic()
        if time.monotonic() - self._last_reminders > REMINDERS_EVERY:
            queued = batches.queue_reminders(self.new_uow())
            if queued:
                log.info("reminders_queued", count=queued)
            self._last_reminders = time.monotonic()

    def _call(self, job: sending.SendJob) -> Outcome:
        request = sending.request_for(job, self.callback_url, self.settings.validity_seconds)
        return job, sending.call_provider(self.provider, request)

    def record_finished(self, block: float = 0.0, at_least: int = 1) -> int:
        """Record the outcomes of calls that have returned, in one transaction, waiting up
        to `block` seconds for `at_least` of them (fewer transactions, each doing more)."""
        done: set[Future[Outcome]] = set()
        deadline = time.monotonic() + block
        while self.in_flight:
            left = max(0.0, deadline - time.monotonic())
            finished, self.in_flight = wait(
                self.in_flight, timeout=left, return_when=FIRST_COMPLETED
            )
            done |= finished
            if len(done) >= at_least or left == 0.0:
                break
        if done:
            sending.record_outcomes(self.new_uow(), [f.result() for f in done])
        return len(done)

    def _dispatch(self, jobs: list[sending.SendJob]) -> None:
        """Hand jobs to the pool as fast as the shared limit allows."""
        while jobs:
            granted = len(jobs)
            if self.limiter is not None:
                grant = self.limiter.take(len(jobs))
                granted = grant.granted
                if granted == 0:
                    self.record_finished(block=0.0)
                    time.sleep(min(grant.retry_after, 0.05))
                    continue
            for job in jobs[:granted]:
                self.in_flight.add(self.pool.submit(self._call, job))
            jobs = jobs[granted:]

    def run_once(self) -> int:
        """Claim a batch when there is room for one, then record a group of outcomes."""
        self._housekeeping()
        batch = self.claim_size
        jobs: list[sending.SendJob] = []
        if len(self.in_flight) < batch:
            jobs = sending.claim(self.new_uow(), batch, self.settings.default_window)
            self._dispatch(jobs)
        self.record_finished(block=0.05, at_least=max(1, min(len(self.in_flight), batch // 2)))
        return len(jobs)

    def drain(self) -> None:
        while self.in_flight:
            self.record_finished(block=1.0)

    def close(self) -> None:
        self.drain()
        self.pool.shutdown(wait=True)


def run_sender(settings: MessagingSettings, runtime: Runtime, provider: SmsProvider) -> None:
    stop = stop_on_signals()
    sender = Sender(settings, runtime, provider, stop)
    applier = start_applier(sender.new_uow, stop)
    log.info(
        "sender_started",
        rate_limit=settings.send_rate_per_second or None,
        concurrency=settings.send_concurrency,
    )
    while not stop.is_set():
        try:
            claimed = sender.run_once()
        except Exception:  # database away: keep the process, try again shortly
            log.exception("sender_failed")
            stop.wait(1.0)
            continue
        if claimed == 0:
            if sender.in_flight:
                sender.record_finished(block=settings.send_poll_interval)
            else:
                stop.wait(settings.send_poll_interval)
    sender.close()
    applier.join()

"""The sending worker process: claim, send, record; reconcile unknown attempts; reminders
and trial cascades;
and, on a thread of its own, apply the status callbacks the webhook stored.

Provider calls run on a thread pool of SEND_CONCURRENCY threads, and the sender claims
whenever fewer calls than that are in flight, so a slow provider still fills the rate
limit; outcomes are recorded in groups, one transaction each. The rate limit is a token
bucket in the database, and the circuit breaker a row beside it, both shared by every
sending process. The sender's lease keeps reconciliation away from its running calls.
"""

from __future__ import annotations

import time
import uuid
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import timedelta
from threading import Event, Lock

from services.messaging.adapters.circuit_breaker import DatabaseCircuitBreaker
from services.messaging.adapters.provider import Accepted, ProviderError, SmsProvider
from services.messaging.adapters.rate_limiter import DatabaseRateLimiter
from services.messaging.adapters.sender_lease import SenderLease
from services.messaging.config import MessagingSettings
from services.messaging.domain.rate import claim_size
from services.messaging.domain.voice import VOICE
from services.messaging.entrypoints.status_applier import start_applier
from services.messaging.service_layer import batches, cascades, sending
from services.messaging.service_layer.unit_of_work import SqlMessagingUnitOfWork
from shared.logs import get_logger
from shared.runtime import Runtime, stop_on_signals

log = get_logger(__name__)
RECONCILE_EVERY = 10.0
REMINDERS_EVERY = 60.0
BREAKER_FRESH = 0.2  # seconds a "closed" answer from the shared breaker is trusted
NOT_CALLED = "breaker"  # the code of a text put back unsent while the breaker was open
Outcome = tuple[sending.SendJob, Accepted | ProviderError]


@dataclass
class SenderParts:
    """What bootstrap builds for a sender: the shared limit, breaker and this one's lease."""

    provider: SmsProvider
    breaker: DatabaseCircuitBreaker
    lease: SenderLease
    limiter: DatabaseRateLimiter | None = None
    call_limiter: DatabaseRateLimiter | None = None  # calls a second, shared (decision 27)


class Sender:
    def __init__(
        self,
        settings: MessagingSettings,
        runtime: Runtime,
        parts: SenderParts,
        stop: Event | None = None,
    ):
        self.settings = settings
        self.runtime = runtime
        self.provider = parts.provider
        self.limiter = parts.limiter
        self.call_limiter = parts.call_limiter
        self.breaker = parts.breaker
        self.lease = parts.lease
        self.stop = stop or Event()
        self.concurrency = settings.send_concurrency
        self.claim_size = claim_size(settings.send_batch_size, settings.send_rate_per_second)
        # Up to a claim's worth of texts wait for a thread, so one that comes free calls at
        # once instead of after the next claim, and claims stay large when calls are quick.
        # The lease keeps reconciliation away from them; an open breaker turns them back.
        self.ahead = self.claim_size
        self.pool = ThreadPoolExecutor(self.concurrency, thread_name_prefix="send")
        self.in_flight: set[Future[Outcome]] = set()
        self.unrecorded: list[Outcome] = []  # outcomes a failed transaction could not record
        self.pending_ids: set[uuid.UUID] = set()  # claimed, outcome not yet recorded
        self.waiting_calls: list[sending.SendJob] = []  # claimed, waiting for the call limit
        rate = settings.call_rate_per_second
        self._call_spacing = timedelta(seconds=1 / rate) if rate > 0 else timedelta(0)
        self._breaker_checked = 0.0
        self._outages_in_a_row = 0  # seen by the calling threads, before any is recorded
        self._outages_lock = Lock()
        self._last_reconcile = 0.0
        self._last_reminders = 0.0
        self.lease.start()

    def new_uow(self) -> SqlMessagingUnitOfWork:
        uow = self.runtime.uow_factory()
        assert isinstance(uow, SqlMessagingUnitOfWork)
        return uow

    def callback_url(self, message_id: uuid.UUID) -> str:
        return f"{self.settings.public_base_url}/webhooks/twilio/status/{message_id}"

    def call_url(self, message_id: uuid.UUID, what: str) -> str:
        """A call's TwiML ("twiml") and status callback ("status") URLs (decision 27)."""
        return f"{self.settings.public_base_url}/webhooks/twilio/calls/{message_id}/{what}"

    def _housekeeping(self) -> None:
        if time.monotonic() - self._last_reconcile > RECONCILE_EVERY:
            stale = timedelta(seconds=self.settings.reconcile_after_seconds)
            settled = sending.reconcile(
                self.new_uow(), self.provider, stale, self.lease.id, set(self.pending_ids)
            )
            if settled:
                log.info("attempts_reconciled", count=settled)
            self._last_reconcile = time.monotonic()
        if time.monotonic() - self._last_reminders > REMINDERS_EVERY:
            queued = batches.queue_reminders(self.new_uow())
            if queued:
                log.info("reminders_queued", count=queued)
            self._last_reminders = time.monotonic()
            # Trial cascades on the same clock: the next channel for whoever did not answer.
            # A run that cannot be moved on is logged and tried next minute; it never holds
            # up sending (before, one such run stopped every text of the embedded run).
            try:
                moved = cascades.advance(self.new_uow())
            except Exception:
                log.exception("cascades_failed")
                return
            if moved:
                log.info("cascades_advanced", count=moved)

    def _call(self, job: sending.SendJob) -> Outcome:
        # Claimed before the breaker opened, or before this sender's own failures in a row
        # (not yet recorded in the shared breaker) reached its threshold: not now.
        if self.breaker.open_as_seen() or self._outages_in_a_row >= self.breaker.threshold:
            return job, ProviderError("retry", NOT_CALLED, "the circuit breaker is open")
        request = sending.request_for(
            job, self.callback_url, self.settings.validity_seconds, self.call_url
        )
        outcome = sending.call_provider(self.provider, request)
        with self._outages_lock:
            self._outages_in_a_row = self._outages_in_a_row + 1 if _is_outage(outcome) else 0
        return job, outcome

    def record_finished(self, block: float = 0.0, at_least: int = 1) -> int:
        """Record the outcomes of calls that have returned, in one transaction, waiting up
        to `block` seconds for `at_least` of them (fewer transactions, each doing more)."""
        done: list[Future[Outcome]] = []
        deadline = time.monotonic() + block
        while self.in_flight:
            left = max(0.0, deadline - time.monotonic())
            finished, self.in_flight = wait(
                self.in_flight, timeout=left, return_when=FIRST_COMPLETED
            )
            done += finished
            if len(done) >= at_least or left == 0.0:
                break
        outcomes = self.unrecorded + [f.result() for f in done]
        if not outcomes:
            return 0
        self.unrecorded = outcomes  # until committed: a database away loses no outcome
        sending.record_outcomes(self.new_uow(), outcomes)
        self.unrecorded = []
        for job, _ in outcomes:
            self.pending_ids.discard(job.message_id)
        self.breaker.record([_is_outage(o) for _, o in outcomes if not _not_called(o)])
        with self._outages_lock:  # the shared breaker knows them now, and decides
            self._outages_in_a_row = 0
        return len(outcomes)

    def _admitted(self, free: int) -> int:
        """How many calls the shared circuit breaker lets this sender start now."""
        if self.breaker.closed_as_seen() and (
            time.monotonic() - self._breaker_checked < BREAKER_FRESH
        ):
            return free
        admission = self.breaker.admit()
        self._breaker_checked = time.monotonic()
        if admission.decision == "call":
            return free
        return 1 if admission.decision == "probe" else 0

    def _dispatch(self, claimed: list[sending.SendJob]) -> None:
        """Hand texts to the pool as fast as the texts' shared limit allows; calls wait
        here for the calls' limit (decision 27), without holding texts back."""
        self.pending_ids.update(job.message_id for job in claimed)
        self.waiting_calls += [job for job in claimed if job.channel == VOICE]
        self._dispatch_under([job for job in claimed if job.channel != VOICE], self.limiter)
        self._release_calls()

    def _release_calls(self) -> None:
        """Start as many waiting calls as the shared calls-a-second limit grants now."""
        if not self.waiting_calls:
            return
        granted = len(self.waiting_calls)
        if self.call_limiter is not None:
            granted = self.call_limiter.take(granted).granted
        for job in self.waiting_calls[:granted]:
            self.in_flight.add(self.pool.submit(self._call, job))
        self.waiting_calls = self.waiting_calls[granted:]

    def _calls_wanted(self) -> int:
        """Calls to claim this round: about a second's worth under the limit, and none
        while claimed ones still wait for it."""
        if self.waiting_calls:
            return 0
        rate = self.settings.call_rate_per_second
        return max(1, int(rate)) if rate > 0 else self.claim_size

    def _dispatch_under(
        self, jobs: list[sending.SendJob], limiter: DatabaseRateLimiter | None
    ) -> None:
        try:
            while jobs:
                granted = len(jobs)
                if limiter is not None:
                    grant = limiter.take(len(jobs))
                    granted = grant.granted
                    if granted == 0:
                        self.record_finished(block=0.0)
                        time.sleep(min(grant.retry_after, 0.05))
                        continue
                for job in jobs[:granted]:
                    self.in_flight.add(self.pool.submit(self._call, job))
                jobs = jobs[granted:]
        except Exception:
            # Never called: reconciliation (ours, a full age from now) may requeue them.
            self.pending_ids.difference_update(job.message_id for job in jobs)
            raise

    def run_once(self) -> int:
        """Claim while fewer than SEND_CONCURRENCY calls (and a claim's worth waiting for a
        thread) are in flight, then record the outcomes of the calls that have ended."""
        self._housekeeping()
        jobs: list[sending.SendJob] = []
        free = self.concurrency + self.ahead - len(self.in_flight)
        wanted = min(self._admitted(free), self.claim_size) if free > 0 else 0
        if wanted > 0:
            jobs = sending.claim(
                self.new_uow(),
                wanted,
                self.settings.default_window,
                sender_id=self.lease.id,
                max_calls=self._calls_wanted(),
                call_spacing=self._call_spacing,
            )
            self._dispatch(jobs)
        self._release_calls()
        # Whatever has finished, or the first to finish within 50 ms: under load, calls end
        # while a group is being recorded, so groups grow by themselves.
        self.record_finished(block=0.05)
        return len(jobs)

    def drain(self) -> None:
        while self.in_flight or self.unrecorded or self.waiting_calls:
            self._release_calls()
            self.record_finished(block=0.2 if self.waiting_calls else 1.0)

    def close(self) -> None:
        self.drain()
        self.pool.shutdown(wait=True)
        self.lease.release()


def _is_outage(outcome: Accepted | ProviderError) -> bool:
    return isinstance(outcome, ProviderError) and outcome.outage


def _not_called(outcome: Accepted | ProviderError) -> bool:
    return isinstance(outcome, ProviderError) and outcome.code == NOT_CALLED


def run_sender(settings: MessagingSettings, runtime: Runtime, sender: Sender) -> None:
    stop = sender.stop = stop_on_signals()
    applier = start_applier(sender.new_uow, stop)
    log.info(
        "sender_started",
        rate_limit=settings.send_rate_per_second or None,
        concurrency=settings.send_concurrency,
        connect_timeout=settings.connect_timeout,
        read_timeout=settings.read_timeout,
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

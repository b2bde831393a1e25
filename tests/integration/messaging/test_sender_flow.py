"""The sending worker on PostgreSQL with a fake provider: SEND_CONCURRENCY calls really in
flight, a circuit breaker shared by every sender, and reconciliation that never touches a
call still running (issue 13, items 1 and 7)."""

from __future__ import annotations

import dataclasses
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import requests
from sqlalchemy import select, update

from services.messaging.adapters.orm import messages
from services.messaging.adapters.provider import ProviderError
from services.messaging.adapters.provider_metrics import ProviderMetrics
from services.messaging.adapters.sender_lease import SenderLease
from services.messaging.bootstrap import build_runtime, build_sender
from services.messaging.config import MessagingSettings
from services.messaging.domain.windows import ALWAYS
from services.messaging.entrypoints.sender import Sender
from services.messaging.service_layer import sending
from shared.runtime import Runtime
from tests.integration.messaging.conftest import uow
from tests.support.cohort import approved_batch, numbers
from tests.support.fake_provider import FakeProvider

pytestmark = pytest.mark.integration


def sender_settings(runtime: Runtime, **changes: object) -> MessagingSettings:
    from tests.support import settings as test_settings

    base = test_settings.messaging(runtime.settings.database_url, runtime.settings.bus)
    return dataclasses.replace(
        base,
        default_window=ALWAYS,
        send_batch_size=200,
        reconcile_after_seconds=60,
        connect_timeout=1.0,
        read_timeout=2.0,
        **changes,  # type: ignore[arg-type]
    )


@pytest.fixture
def senders(runtime: Runtime) -> Iterator[list[Sender]]:
    made: list[Sender] = []
    yield made
    for sender in made:
        sender.close()
        sender.runtime.engine.dispose()


def start(
    senders: list[Sender], runtime: Runtime, provider: FakeProvider, **changes: object
) -> Sender:
    """A sender with an engine of its own, as a sending process has."""
    settings = sender_settings(runtime, **changes)
    own = build_runtime(settings)
    sender = build_sender(settings, own, provider, metrics=ProviderMetrics())
    senders.append(sender)
    return sender


def run_for(seconds: float, *group: Sender) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        for sender in group:
            sender.run_once()


def test_a_sender_keeps_send_concurrency_calls_in_flight_at_two_seconds_latency(
    runtime: Runtime, senders: list[Sender]
) -> None:
    # As in the issue: the limit allows more than SEND_CONCURRENCY / latency texts a second,
    # and claims are half a second's worth (8): the old sender stopped at 2 claims, ~13.
    provider = FakeProvider(latency=2.0)
    approved_batch(runtime, numbers(80))
    sender = start(senders, runtime, provider, send_concurrency=16, send_rate_per_second=16)
    samples: list[int] = []
    done = threading.Event()

    def sample() -> None:
        # From the moment the limit has let all sixteen calls start.
        while not done.wait(0.05):
            if samples or provider.in_flight == 16:
                samples.append(provider.in_flight)

    sampler = threading.Thread(target=sample)
    sampler.start()
    run_for(6.0, sender)
    done.set()
    sampler.join()
    assert provider.peak_in_flight == 16
    assert len(samples) > 60, "sixteen in flight within about three seconds"
    assert sum(samples) / len(samples) >= 15.0, samples


def test_an_outage_opens_the_breaker_for_every_sender_then_a_probe_closes_it(
    runtime: Runtime, senders: list[Sender]
) -> None:
    provider = FakeProvider(down=True)
    approved_batch(runtime, numbers(300))
    policy = {
        "send_concurrency": 4,
        "breaker_failures": 5,
        "breaker_cooldown": 0.5,
        "breaker_max_cooldown": 1.0,
    }
    one = start(senders, runtime, provider, **policy)
    two = start(senders, runtime, provider, **policy)
    run_for(4.0, one, two)
    # Without the breaker both would call for every due text: 300 at once, and each again
    # as its back-off ends. With it: what was claimed before it opened, then one probe per
    # cool-down (0.5 s, then 1 s) for the two together.
    assert provider.calls <= 2 * 4 + 5 + 6, provider.calls
    assert one.breaker.state().state in ("open", "half_open")

    provider.down = False
    run_for(3.0, one, two)
    assert one.breaker.state().state == "closed"
    assert len(provider.sent) > 0


def age_attempts(runtime: Runtime, seconds: float) -> None:
    with runtime.engine.begin() as conn:
        conn.execute(
            update(messages).values(
                attempt_started_at=datetime.now(UTC) - timedelta(seconds=seconds)
            )
        )


def test_an_attempt_whose_sender_holds_a_live_lease_is_never_reconciled(
    runtime: Runtime,
) -> None:
    approved_batch(runtime, numbers(1))
    provider = FakeProvider()
    lease = SenderLease(runtime.engine, ttl=60)
    lease.renew()
    sending.claim(uow(runtime), 10, sender_id=lease.id)  # its call is still running
    age_attempts(runtime, 3600)

    assert sending.reconcile(uow(runtime), provider, timedelta(seconds=5)) == 0
    # The sender itself knows which of its calls are running.
    [job_id] = statuses_by_id(runtime)
    assert sending.reconcile(uow(runtime), provider, timedelta(0), lease.id, {job_id}) == 0

    lease.release()  # the sender stopped (or its lease lapsed: it died)
    assert sending.reconcile(uow(runtime), provider, timedelta(seconds=5)) == 1
    assert list(statuses_by_id(runtime).values()) == ["queued"]


def test_a_call_that_timed_out_is_reconciled_only_a_full_age_after_it_ended(
    runtime: Runtime,
) -> None:
    approved_batch(runtime, numbers(1))
    provider = FakeProvider()
    lease = SenderLease(runtime.engine, ttl=60)
    lease.renew()
    [job] = sending.claim(uow(runtime), 10, sender_id=lease.id)
    age_attempts(runtime, 3600)  # started long ago, timed out just now
    unknown = ProviderError("unknown", "timeout", "ReadTimeoutError", outage=True)
    sending.record_outcomes(uow(runtime), [(job, unknown)])

    # The provider may still be working on it: not yet, although the sender is alive.
    assert sending.reconcile(uow(runtime), provider, timedelta(seconds=5)) == 0
    # ...it arrives at the provider after all; once the age has passed, it is adopted.
    provider.send(sending.request_for(job, lambda m: "http://cb", 3600))
    assert sending.reconcile(uow(runtime), provider, timedelta(0)) == 1
    assert list(statuses_by_id(runtime).values()) == ["accepted"]
    assert len(provider.sends_to(job.to)) == 1
    lease.release()


def statuses_by_id(runtime: Runtime) -> dict[uuid.UUID, str]:
    with runtime.engine.connect() as conn:
        return {
            row.id: row.status for row in conn.execute(select(messages.c.id, messages.c.status))
        }


def test_the_sender_serves_its_provider_calls_at_metrics(
    runtime: Runtime, senders: list[Sender]
) -> None:
    from tests.support.processes import free_port

    port, token = free_port(), "a-metrics-token-for-this-test-0123456789"
    settings = sender_settings(runtime, metrics_port=port)
    settings = dataclasses.replace(
        settings, common=dataclasses.replace(settings.common, metrics_token=token)
    )
    approved_batch(runtime, numbers(3))
    provider = FakeProvider(fail_next=[("suppress", "21610")])
    sender = build_sender(settings, build_runtime(settings), provider, serve_metrics=True)
    senders.append(sender)
    run_for(1.0, sender)

    url = f"http://127.0.0.1:{port}/metrics"
    assert requests.get(url, timeout=5).status_code == 401  # not without the metrics token
    page = requests.get(url, headers={"Authorization": f"Bearer {token}"}, timeout=5).text
    assert 'sms_provider_calls_total{outcome="accepted",provider="fakeprovider"} 2.0' in page
    assert 'sms_provider_calls_total{outcome="suppress",provider="fakeprovider"} 1.0' in page
    assert "sms_provider_call_duration_seconds_bucket" in page

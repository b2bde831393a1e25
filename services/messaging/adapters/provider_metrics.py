"""Timing, outcome counters and slow-call logs around any SMS provider, as GOV.UK Notify
keeps for its clients. The sender serves them at /metrics on SENDER_METRICS_PORT."""

from __future__ import annotations

import time
from datetime import datetime

from prometheus_client import CollectorRegistry, Counter, Histogram

from services.messaging.adapters.provider import Accepted, ProviderError, SendRequest, SmsProvider
from shared.logs import get_logger

log = get_logger(__name__)
BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 30.0, 60.0)


class ProviderMetrics:
    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        self.calls = Counter(
            "sms_provider_calls_total",
            "Calls to the SMS provider by outcome (accepted, retry, fail, suppress, unknown)",
            ["provider", "outcome"],
            registry=self.registry,
        )
        self.seconds = Histogram(
            "sms_provider_call_duration_seconds",
            "How long each call to the SMS provider took",
            ["provider", "outcome"],
            buckets=BUCKETS,
            registry=self.registry,
        )


class InstrumentedProvider:
    """The same port as the provider it wraps, counting and timing every send."""

    def __init__(
        self, inner: SmsProvider, name: str, metrics: ProviderMetrics, slow_after: float
    ) -> None:
        self.inner = inner
        self.name = name
        self.metrics = metrics
        self.slow_after = slow_after

    def send(self, request: SendRequest) -> Accepted:
        started = time.perf_counter()
        outcome, code = "accepted", None
        try:
            return self.inner.send(request)
        except ProviderError as error:
            outcome, code = error.outcome, error.code
            raise
        finally:
            elapsed = time.perf_counter() - started
            self.metrics.calls.labels(self.name, outcome).inc()
            self.metrics.seconds.labels(self.name, outcome).observe(elapsed)
            if elapsed >= self.slow_after:
                # The message id only: the request carries the phone number.
                log.warning(
                    "provider_call_slow",
                    provider=self.name,
                    message_id=request.message_id,
                    seconds=round(elapsed, 3),
                    outcome=outcome,
                    code=code,
                )

    def find_sent(self, to: str, body: str, since: datetime) -> str | None:
        return self.inner.find_sent(to, body, since)

    def find_call(self, to: str, since: datetime) -> str | None:
        return self.inner.find_call(to, since)

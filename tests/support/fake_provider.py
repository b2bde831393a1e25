"""An in-memory SMS provider that implements the same port as the Twilio adapter."""

from __future__ import annotations

import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

from services.messaging.adapters.provider import Accepted, Outcome, ProviderError, SendRequest


@dataclass
class FakeProvider:
    sent: list[tuple[str, SendRequest, datetime]] = field(default_factory=list)
    fail_next: list[tuple[Outcome, str]] = field(default_factory=list)
    lookup_fails: bool = False
    latency: float = 0.0  # seconds every send takes
    down: bool = False  # every send fails as a provider in an outage does (a 503)
    unreachable: bool = False  # no connection at all: nothing reaches the provider
    calls: int = 0
    in_flight: int = 0
    peak_in_flight: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def send(self, request: SendRequest) -> Accepted:
        with self._lock:
            self.calls += 1
            self.in_flight += 1
            self.peak_in_flight = max(self.peak_in_flight, self.in_flight)
        try:
            if self.latency:
                time.sleep(self.latency)
            with self._lock:
                if self.unreachable:
                    raise ProviderError("retry", "connect", "no connection", outage=True)
                if self.down:
                    raise ProviderError("retry", "20503", "service unavailable", outage=True)
                if self.fail_next:
                    outcome, code = self.fail_next.pop(0)
                    if code == "timeout":  # it reached the provider; the answer came too late
                        self.sent.append((f"SM{uuid.uuid4().hex}", request, datetime.now(UTC)))
                    raise ProviderError(
                        outcome,
                        code,
                        "injected by the test",
                        outage=outcome == "unknown" or code in ("20500", "20503"),
                    )
                sid = f"{'CA' if request.voice_url else 'SM'}{uuid.uuid4().hex}"
                self.sent.append((sid, request, datetime.now(UTC)))
            return Accepted(sid)
        finally:
            with self._lock:
                self.in_flight -= 1

    def find_sent(self, to: str, body: str, since: datetime) -> str | None:
        if self.lookup_fails or self.unreachable:
            raise ProviderError("unknown", "lookup", "provider unreachable")
        for sid, request, at in self.sent:
            if request.to == to and request.body == body and at >= since:
                return sid
        return None

    def find_call(self, to: str, since: datetime) -> str | None:
        if self.lookup_fails or self.unreachable:
            raise ProviderError("unknown", "lookup", "provider unreachable")
        for sid, request, at in self.sent:
            if request.voice_url and request.to == to and at >= since:
                return sid
        return None

    def sends_to(self, to: str) -> list[SendRequest]:
        return [request for _, request, _ in self.sent if request.to == to]

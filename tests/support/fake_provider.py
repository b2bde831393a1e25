"""An in-memory SMS provider that implements the same port as the Twilio adapter."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

from services.messaging.adapters.provider import Accepted, Outcome, ProviderError, SendRequest


@dataclass
class FakeProvider:
    sent: list[tuple[str, SendRequest, datetime]] = field(default_factory=list)
    fail_next: list[tuple[Outcome, str]] = field(default_factory=list)
    lookup_fails: bool = False

    def send(self, request: SendRequest) -> Accepted:
        if self.fail_next:
            outcome, code = self.fail_next.pop(0)
            raise ProviderError(outcome, code, "injected by the test")
        sid = f"SM{uuid.uuid4().hex}"
        self.sent.append((sid, request, datetime.now(UTC)))
        return Accepted(sid)

    def find_sent(self, to: str, body: str, since: datetime) -> str | None:
        if self.lookup_fails:
            raise ProviderError("unknown", "lookup", "provider unreachable")
        for sid, request, at in self.sent:
            if request.to == to and request.body == body and at >= since:
                return sid
        return None

    def sends_to(self, to: str) -> list[SendRequest]:
        return [request for _, request, _ in self.sent if request.to == to]

"""The SMS provider port: what the sender needs from Twilio or any other provider."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol

# "unknown": the request may or may not have reached the provider; reconcile before resending.
Outcome = Literal["retry", "fail", "suppress", "unknown"]


@dataclass(frozen=True)
class SendRequest:
    to: str
    body: str
    status_callback: str
    validity_seconds: int
    message_id: str | None = None  # for logs: the message, never the phone number
    # A call (decision 27): the URL Twilio asks for the call's TwiML. None: a text.
    voice_url: str | None = None
    # WhatsApp (`to` is "whatsapp:+44..."): an approved content template instead of the body.
    content_sid: str | None = None
    content_variables: str | None = None


@dataclass(frozen=True)
class Accepted:
    sid: str


class ProviderError(Exception):
    """The provider refused. `outcome` says whether to retry, fail, or suppress the number;
    `outage` whether it failed as a provider that is down would (5xx, timeout, no
    connection), which is what opens the circuit breaker."""

    def __init__(self, outcome: Outcome, code: str, reason: str, *, outage: bool = False) -> None:
        super().__init__(f"{code}: {reason}")
        self.outcome = outcome
        self.code = code
        self.reason = reason
        self.outage = outage


class SmsProvider(Protocol):
    def send(self, request: SendRequest) -> Accepted: ...

    def find_sent(self, to: str, body: str, since: datetime) -> str | None:
        """The sid of a message already sent to this number with this text, if any."""
        ...

    def find_call(self, to: str, since: datetime) -> str | None:
        """The sid of a call placed to this number since then, if any. One call in flight
        per number (decision 27) makes it the attempt's own."""
        ...

"""What the fake has received and what it has been told to do: in memory, thread-safe."""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from shared.sms_segments import count_segments

_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def new_sid(prefix: str = "SM") -> str:
    # Not secrets.token_hex: os.urandom is a system call per create, and a fake sid needs
    # only to be unique, not unguessable.
    return f"{prefix}{random.getrandbits(128):032x}"


def rfc2822(when: datetime | None) -> str | None:
    """Twilio's date format for a UTC time: 'Tue, 04 Mar 2025 10:15:00 +0000'.

    Formatted by hand: email.utils.format_datetime is several times slower on the hot path.
    """
    if when is None:
        return None
    return (
        f"{_DAYS[when.weekday()]}, {when.day:02d} {_MONTHS[when.month - 1]} {when.year} "
        f"{when.hour:02d}:{when.minute:02d}:{when.second:02d} +0000"
    )


@dataclass(frozen=True)
class Delivery:
    """A message's delivery state, replaced whole so a reader never sees half an update."""

    status: str
    updated: datetime
    sent: datetime | None = None
    error_code: int | None = None


@dataclass(frozen=True)
class WebhookResult:
    """How TrialReach answered an inbound webhook: its HTTP status, or why it was not reached."""

    http_status: int | None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.http_status is not None and 200 <= self.http_status < 300


@dataclass
class FakeMessage:
    direction: str  # "outbound-api" or "inbound"
    to: str
    from_: str | None  # None until a Messaging Service picks the sender
    body: str
    delivery: Delivery
    created: datetime
    sid: str = field(default_factory=new_sid)
    status_callback: str | None = None
    messaging_service_sid: str | None = None
    validity_period: int | None = None
    content_sid: str | None = None  # a WhatsApp content template (whatsapp.py)
    webhook: WebhookResult | None = None  # inbound only
    fallback_webhook: WebhookResult | None = None  # inbound only, if the first call failed
    callbacks: list[tuple[str, int | None]] = field(default_factory=list)  # (status, HTTP)
    # Counted from the body as Twilio does, once (the control API reads them on every poll).
    segments: int = field(init=False)
    encoding: str = field(init=False)

    def __post_init__(self) -> None:
        info = count_segments(self.body)
        self.segments, self.encoding = info.segments, info.encoding

    def log_entry(self) -> dict[str, Any]:
        """The control API's view: everything a test may want to assert on."""
        delivery, webhook, fallback = self.delivery, self.webhook, self.fallback_webhook
        return {
            "sid": self.sid,
            "direction": self.direction,
            "to": self.to,
            "from": self.from_,
            "body": self.body,
            "status": delivery.status,
            "error_code": delivery.error_code,
            "segments": self.segments,
            "encoding": self.encoding,
            "received_at": self.created.isoformat(),
            "status_callback": self.status_callback,
            "messaging_service_sid": self.messaging_service_sid,
            "validity_period": self.validity_period,
            "content_sid": self.content_sid,
            "callbacks": [{"status": s, "http_status": h} for s, h in list(self.callbacks)],
            "webhook_status": webhook.http_status if webhook else None,
            "webhook_error": webhook.error if webhook else None,
            "fallback_webhook_status": fallback.http_status if fallback else None,
        }


@dataclass
class InjectedError:
    status: int
    code: int
    count: int
    to: str | None
    message: str | None


class InjectedErrors:
    """The errors a test asked for, each used up one API call at a time; the Messages and
    Calls APIs keep one each."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._errors: list[InjectedError] = []

    def add(self, error: InjectedError) -> int:
        with self._lock:
            self._errors.append(error)
            return len(self._errors)

    def take(self, to: str) -> InjectedError | None:
        """The next injected error that applies to `to`, used up one call at a time."""
        with self._lock:
            for error in self._errors:
                if error.to in (None, to):
                    error.count -= 1
                    if error.count <= 0:
                        self._errors.remove(error)
                    return error
        return None

    def clear(self) -> None:
        with self._lock:
            self._errors.clear()


@dataclass(frozen=True)
class DeliveryFailure:
    status: str  # "undelivered" or "failed"
    error_code: int


class Store:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._messages: dict[str, FakeMessage] = {}  # insertion order is arrival order
        self._by_number: dict[str, list[FakeMessage]] = {}  # to and from, for the filters
        self._recipients: dict[str, None] = {}  # numbers that were texted, in first-text order
        self._errors = InjectedErrors()
        self._failures: dict[str, DeliveryFailure] = {}
        # Read on every API call without the lock: a float assignment is atomic.
        self.latency = 0.0
        self.outage_until = 0.0

    def add(self, message: FakeMessage) -> None:
        with self._lock:
            self._messages[message.sid] = message
            for number in {message.to, message.from_}:
                if number:
                    self._by_number.setdefault(number, []).append(message)
            if message.direction == "outbound-api":
                self._recipients[message.to] = None

    def get(self, sid: str) -> FakeMessage | None:
        with self._lock:
            return self._messages.get(sid)

    def messages(self, number: str | None = None) -> list[FakeMessage]:
        """Oldest first; only those to or from `number` when given."""
        with self._lock:
            if number is None:
                return list(self._messages.values())
            return list(self._by_number.get(number, ()))

    def recipients(self) -> list[str]:
        with self._lock:
            return list(self._recipients)

    def inject_error(self, error: InjectedError) -> int:
        return self._errors.add(error)

    def take_error(self, to: str) -> InjectedError | None:
        return self._errors.take(to)

    def fail_delivery(self, to: str, failure: DeliveryFailure | None) -> list[str]:
        with self._lock:
            if failure is None:
                self._failures.pop(to, None)
            else:
                self._failures[to] = failure
            return sorted(self._failures)

    def delivery_failure(self, to: str) -> DeliveryFailure | None:
        with self._lock:
            return self._failures.get(to)

    def in_outage(self) -> bool:
        return time.monotonic() < self.outage_until

    def reset(self) -> None:
        with self._lock:
            self._messages.clear()
            self._by_number.clear()
            self._recipients.clear()
            self._errors.clear()
            self._failures.clear()
            self.latency, self.outage_until = 0.0, 0.0

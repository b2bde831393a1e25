"""Signed webhooks to the service under test: status callbacks and patients' replies.

Each accepted message moves through its statuses on a timer (`sent`, then `delivered`, or
the failure the test asked for). One timer thread keeps the due steps in a heap, so a
create call only pushes onto it; a small pool posts the callbacks. A message's next step is
scheduled only after its previous callback has been answered, so they arrive in order.
"""

from __future__ import annotations

import heapq
import itertools
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from http.cookiejar import DefaultCookiePolicy

import requests
from requests.adapters import HTTPAdapter
from twilio.request_validator import RequestValidator

from services.fake_twilio.resources import API_VERSION
from services.fake_twilio.settings import FakeTwilioSettings
from services.fake_twilio.store import Delivery, FakeMessage, Store, WebhookResult
from services.fake_twilio.whatsapp import PREFIX, is_whatsapp
from shared.clock import now

WORKERS = 8


@dataclass(frozen=True)
class Step:
    status: str
    error_code: int | None = None


class Webhooks:
    def __init__(self, settings: FakeTwilioSettings, store: Store) -> None:
        self.settings = settings
        self.store = store
        self.validator = RequestValidator(settings.auth_token)
        self.http = requests.Session()
        self.http.trust_env = False  # no proxy from the environment between us and localhost
        self.http.cookies.set_policy(DefaultCookiePolicy(allowed_domains=[]))  # Twilio keeps none
        self.http.mount("http://", HTTPAdapter(pool_maxsize=WORKERS * 2))
        self.pool = ThreadPoolExecutor(WORKERS, thread_name_prefix="fake-twilio-callback")
        self._due: list[tuple[float, int, FakeMessage, tuple[Step, ...]]] = []
        self._order = itertools.count()  # breaks ties so the heap never compares messages
        self._wake = threading.Condition()
        self._timer: threading.Thread | None = None
        self._closed = False

    def post_signed(self, url: str, params: dict[str, str]) -> WebhookResult:
        """POST a form the way Twilio does, signed with X-Twilio-Signature over `url`."""
        signature = self.validator.compute_signature(url, params)
        try:
            response = self.http.post(
                url, data=params, headers={"X-Twilio-Signature": signature}, timeout=10
            )
        except requests.RequestException as exc:
            return WebhookResult(None, type(exc).__name__)
        return WebhookResult(response.status_code)

    # Status progression

    def track(self, message: FakeMessage) -> None:
        """Plan the message's statuses; called on create, so it only pushes onto the heap."""
        failure = self.store.delivery_failure(message.to)
        steps: tuple[Step, ...]
        if failure is None:
            steps = (Step("sent"), Step("delivered"))
        elif failure.status == "failed":  # Twilio could not send it at all
            steps = (Step("failed", failure.error_code),)
        else:  # the carrier took it but the handset never got it
            steps = (Step("sent"), Step(failure.status, failure.error_code))
        self._schedule(message, steps)

    def _schedule(self, message: FakeMessage, steps: tuple[Step, ...]) -> None:
        with self._wake:
            if self._closed:
                return
            if self._timer is None:  # started on first use: building the app starts nothing
                self._timer = threading.Thread(
                    target=self._run_timer, name="fake-twilio-timer", daemon=True
                )
                self._timer.start()
            item = (
                time.monotonic() + self.settings.status_delay,
                next(self._order),
                message,
                steps,
            )
            heapq.heappush(self._due, item)
            if self._due[0] is item:  # wake the timer only when its next deadline moved
                self._wake.notify()

    def _run_timer(self) -> None:
        while True:
            with self._wake:
                while not self._closed and (not self._due or self._due[0][0] > time.monotonic()):
                    timeout = self._due[0][0] - time.monotonic() if self._due else None
                    self._wake.wait(timeout)
                if self._closed:
                    return
                _, _, message, steps = heapq.heappop(self._due)
            self._advance(message, steps)

    def _advance(self, message: FakeMessage, steps: tuple[Step, ...]) -> None:
        step, rest = steps[0], steps[1:]
        when = now()
        sent = when if step.status == "sent" else message.delivery.sent
        message.from_ = message.from_ or self.settings.phone_number  # the service picked it
        message.delivery = Delivery(step.status, when, sent, step.error_code)
        if message.status_callback:
            try:
                self.pool.submit(self._post_status, message, step, rest)
            except RuntimeError:  # the pool is shut down: the app or interpreter is closing
                return
        elif rest:
            self._schedule(message, rest)

    def _post_status(self, message: FakeMessage, step: Step, rest: tuple[Step, ...]) -> None:
        params = {
            "MessageSid": message.sid,
            "SmsSid": message.sid,
            "MessageStatus": step.status,
            "SmsStatus": step.status,
            "AccountSid": self.settings.account_sid,
            "From": message.from_ or self.settings.phone_number,
            "To": message.to,
            "ApiVersion": API_VERSION,
        }
        if message.messaging_service_sid:
            params["MessagingServiceSid"] = message.messaging_service_sid
        if step.error_code is not None:
            params["ErrorCode"] = str(step.error_code)
        assert message.status_callback is not None
        result = self.post_signed(message.status_callback, params)
        message.callbacks.append((step.status, result.http_status))
        if rest:
            self._schedule(message, rest)

    # Patients' replies

    def reply(self, from_number: str, body: str) -> FakeMessage:
        """A patient texts us: record it, post the inbound webhook signed, record the answer."""
        received = now()
        # A WhatsApp reply is to the account's WhatsApp address.
        ours = PREFIX + self.settings.phone_number if is_whatsapp(from_number) else None
        ours = ours or self.settings.phone_number
        message = FakeMessage(
            direction="inbound",
            to=ours,
            from_=from_number,
            body=body,
            delivery=Delivery("received", received, received),
            created=received,
        )
        self.store.add(message)
        params = {
            "MessageSid": message.sid,
            "SmsMessageSid": message.sid,
            "SmsSid": message.sid,
            "AccountSid": self.settings.account_sid,
            "From": from_number,
            "To": ours,
            "Body": body,
            "NumMedia": "0",
            "NumSegments": str(message.segments),
            "SmsStatus": "received",
            "ApiVersion": API_VERSION,
        }
        message.webhook = self.post_signed(self.settings.inbound_url, params)
        fallback = self.settings.inbound_fallback_url
        if fallback and not message.webhook.ok:  # as Twilio does: once, signed for that URL
            message.fallback_webhook = self.post_signed(fallback, params)
        return message

    def drop_pending(self) -> None:
        """Forget steps not yet due, so a reset leaves no stray callbacks for the next test."""
        with self._wake:
            self._due.clear()

    def close(self) -> None:
        """Stop the timer and the pool; steps not yet due are dropped."""
        with self._wake:
            self._closed = True
            self._wake.notify_all()
        self.pool.shutdown(wait=True, cancel_futures=True)
        self.http.close()

"""On a thread of the sending worker's process (decision 16): store the webhook requests
held on the bus while the database was away, and reconcile replies and unfinished
statuses with Twilio's API, on a schedule and again as soon as the database is back."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timedelta
from threading import Event, Thread
from typing import Any

from marshmallow import ValidationError

from services.messaging.adapters.webhook_hold import WebhookHold
from services.messaging.config import MessagingSettings
from services.messaging.domain.whatsapp import address as whatsapp_address
from services.messaging.entrypoints.api.call_forms import CallForm, CallStatusForm, GatherForm
from services.messaging.entrypoints.api.schemas import InboundForm, StatusCallbackForm
from services.messaging.entrypoints.twilio_requests import (
    CALL_ANSWERED,
    CALL_GATHER,
    CALL_STATUS,
    INBOUND,
    call_message_id,
    call_status_callback,
    is_duplicate,
    signed_for_us,
    status_callback,
    status_message_id,
    store_inbound,
)
from services.messaging.service_layer import calls, reconciliation
from services.messaging.service_layer.statuses import store_statuses
from services.messaging.service_layer.unit_of_work import MessagingUnitOfWork
from shared import clock
from shared.http.unavailable import is_dependency_down
from shared.logs import get_logger

log = get_logger(__name__)
LOOK_EVERY = 1.0  # seconds between looks at the database and the held requests
OVERLAP = timedelta(minutes=15)  # replies are listed again this far back each run
RETRY_FAILED = 30.0  # seconds before a reconciliation that failed (Twilio away) is tried again
STATUS_FORM, INBOUND_FORM, CALL_FORM = StatusCallbackForm(), InboundForm(), CallStatusForm()
GATHER_FORM = GatherForm()
ANSWERED_FORM = CallForm()
FORMS = {
    INBOUND: INBOUND_FORM,
    CALL_STATUS: CALL_FORM,
    CALL_GATHER: GATHER_FORM,
    CALL_ANSWERED: ANSWERED_FORM,
}


class ProviderReconciler:
    def __init__(
        self,
        settings: MessagingSettings,
        new_uow: Callable[[], MessagingUnitOfWork],
        check_database: Callable[[], None],
        history: reconciliation.MessageHistory,
        hold: WebhookHold,
    ) -> None:
        self.settings = settings
        self.new_uow = new_uow
        self.check_database = check_database
        self.history = history
        self.hold = hold
        self._next_reconcile = 0.0  # monotonic time; at once on start
        self._covered_until: datetime | None = None  # replies listed up to here
        self._database_was_down = False

    def store_held(self, held: dict[str, Any]) -> None:
        """Store one held webhook request exactly as the webhook would have."""
        form = {key: value for key, value in reversed(held["form"])}  # first value wins
        if not signed_for_us(self.settings, held["path"], form, held["signature"]):
            # Checked before it was held: only a changed auth token gets here.
            log.error("held_webhook_bad_signature", kind=held["kind"], path=held["path"])
            return
        try:
            data = FORMS.get(held["kind"], STATUS_FORM).load(form)
        except ValidationError as exc:
            # Validated before it was held, so never expected; kept in the log, not retried
            # for ever in front of the others.
            log.error("held_webhook_invalid", kind=held["kind"], errors=exc.messages)
            return
        if held["kind"] == INBOUND:
            store_inbound(self.new_uow, data)
        elif held["kind"] == CALL_GATHER:  # a key press on a call: a reply (decision 27)
            gathered = calls.Gathered(
                data["CallSid"], data["Digits"], data["SpeechResult"], data["From"]
            )
            # The call has ended by now: a 9 (play again) cannot be honoured, so it is dropped.
            calls.key_pressed(
                self.new_uow, call_message_id(held["path"]), gathered, is_duplicate, ""
            )
        elif held["kind"] == CALL_ANSWERED:  # answered while it could play nothing
            calls.not_played(self.new_uow(), call_message_id(held["path"]))
        elif held["kind"] == CALL_STATUS:  # a call's (decision 27)
            callback = call_status_callback(call_message_id(held["path"]), data)
            store_statuses(self.new_uow(), [callback])
        else:
            store_statuses(self.new_uow(), [status_callback(status_message_id(held["path"]), data)])
        log.info("held_webhook_stored", kind=held["kind"], message_sid=form.get("MessageSid"))

    def reconcile(self) -> None:
        now = clock.now()
        lookback = timedelta(seconds=self.settings.inbound_lookback_seconds)
        # The whole look-back after a start; then from the last good run, with a margin
        # for replies Twilio dated before that run but was still delivering.
        since = now - lookback
        if self._covered_until is not None:
            since = max(since, self._covered_until - OVERLAP)
        ours = self.settings.twilio.from_number
        # Texts and WhatsApp messages to our number (all inbound when a Messaging Service
        # picks the number: no filter then).
        addresses = [ours, whatsapp_address(ours)] if ours else [None]
        replies = sum(
            reconciliation.reconcile_inbound(self.new_uow, self.history, since, to, is_duplicate)
            for to in addresses
        )
        statuses = reconciliation.reconcile_statuses(
            self.new_uow,
            self.history,
            now,
            timedelta(seconds=self.settings.status_reconcile_after_seconds),
            now - lookback,
        )
        self._covered_until = now
        log.info("provider_reconciled", replies=replies, statuses=statuses, since=since.isoformat())

    def run_once(self) -> None:
        """One look: is the database there; if so, store what was held (unless the bus is
        away), and reconcile when due or when the database has just come back."""
        try:
            self.check_database()
        except Exception:
            if not self._database_was_down:
                log.warning("database_down")
            self._database_was_down = True
            return
        back = self._database_was_down
        self._database_was_down = False
        try:
            self.hold.take(self.store_held)
        except Exception as exc:
            _log_failure("held_webhooks_not_taken", exc)  # they wait on the bus
        if back or time.monotonic() >= self._next_reconcile:
            try:
                self.reconcile()
            except Exception as exc:
                self._next_reconcile = time.monotonic() + RETRY_FAILED
                _log_failure("provider_reconcile_failed", exc)
                return
            self._next_reconcile = time.monotonic() + self.settings.provider_reconcile_every

    def run_until_stopped(self, stop: Event) -> None:
        while not stop.is_set():
            try:
                self.run_once()
            except Exception:  # never expected: keep the thread, try again shortly
                log.exception("provider_reconciler_failed")
            stop.wait(LOOK_EVERY)
        self.hold.close()


def _log_failure(event: str, error: Exception) -> None:
    """A server away is expected and retried: a line, not a traceback (kept for bugs)."""
    if is_dependency_down(error):
        log.warning(event, error=type(error).__name__)
    else:
        log.exception(event)


def start_reconciler(reconciler: ProviderReconciler, stop: Event) -> Thread:
    thread = Thread(target=reconciler.run_until_stopped, args=(stop,), name="provider-reconciler")
    thread.start()
    return thread

"""Twilio's own record of messages, read back through the SDK's list and fetch calls:
what reconciliation uses to recover replies and statuses we missed (decision 16)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from twilio.base import values
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

from services.messaging.service_layer.reconciliation import ProviderStatus
from services.messaging.service_layer.replies import InboundSms

PAGE_SIZE = 200
CALL_PREFIX = "CA"  # Twilio's call SIDs; messages' are SM or MM


class TwilioHistory:
    def __init__(self, client: Client) -> None:
        self.client = client

    def inbound_since(self, since: datetime, to: str | None) -> Iterator[InboundSms]:
        """Texts received (direction `inbound`) since `since`, to our number when given.
        DateSent> is the filter Twilio offers; the SDK follows the next-page links."""
        to_filter = to if to else values.unset  # None would be sent as "None"
        for message in self.client.messages.stream(
            to=to_filter, date_sent_after=since, page_size=PAGE_SIZE
        ):
            if message.direction == "inbound" and message.sid and message.from_:
                yield InboundSms.of(
                    message.sid, message.from_, message.to or "", message.body or ""
                )

    def status_of(self, provider_sid: str) -> ProviderStatus | None:
        if provider_sid.startswith(CALL_PREFIX):
            return self._call_status(provider_sid)
        try:
            message = self.client.messages(provider_sid).fetch()
        except TwilioRestException as exc:
            if exc.status == 404:
                return None  # not Twilio's (or deleted): nothing to learn
            raise
        error = str(message.error_code) if message.error_code else None
        return ProviderStatus(str(message.status), error)

    def _call_status(self, call_sid: str) -> ProviderStatus | None:
        """A call's status (queued, ringing, in-progress, completed, busy, no-answer...)."""
        try:
            call = self.client.calls(call_sid).fetch()
        except TwilioRestException as exc:
            if exc.status == 404:
                return None
            raise
        return ProviderStatus(str(call.status), None)

"""The Twilio adapter, on the real twilio SDK. The fake Twilio server answers it in tests."""

from __future__ import annotations

from datetime import datetime

from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client
from urllib3.exceptions import ConnectTimeoutError, ReadTimeoutError

from services.messaging.adapters.provider import Accepted, Outcome, ProviderError, SendRequest
from services.messaging.adapters.twilio_client import NETWORK_ERRORS

# Twilio error codes (https://www.twilio.com/docs/api/errors) and what they mean for us.
SUPPRESS_CODES = frozenset({21610})  # the recipient replied STOP to this sender
RETRY_CODES = frozenset({20429, 20500, 20503, 30001, 30022})
# Anything else in the 4xx range is permanent (invalid number, not a mobile, blocked...).


def classify_twilio_error(status: int, code: int | None) -> Outcome:
    if code in SUPPRESS_CODES:
        return "suppress"
    if status == 429 or status >= 500 or code in RETRY_CODES:
        return "retry"
    return "fail"


class TwilioProvider:
    def __init__(
        self,
        client: Client,
        *,
        from_number: str | None = None,
        messaging_service_sid: str | None = None,
    ) -> None:
        if not (from_number or messaging_service_sid):
            raise ValueError("a sender number or a Messaging Service SID is needed")
        self.client = client
        self.from_number = from_number
        self.messaging_service_sid = messaging_service_sid

    def send(self, request: SendRequest) -> Accepted:
        sender: dict[str, str] = (
            {"messaging_service_sid": self.messaging_service_sid}
            if self.messaging_service_sid
            else {"from_": self.from_number or ""}
        )
        try:
            message = self.client.messages.create(
                to=request.to,
                body=request.body,
                status_callback=request.status_callback,
                validity_period=request.validity_seconds,
                **sender,
            )
        except TwilioRestException as exc:
            outcome = classify_twilio_error(exc.status, exc.code)
            code = str(exc.code or exc.status)
            raise ProviderError(outcome, code, exc.msg, outage=exc.status >= 500) from exc
        except ConnectTimeoutError as exc:  # no connection (refused too): nothing was sent
            raise ProviderError("retry", "connect", type(exc).__name__, outage=True) from exc
        except NETWORK_ERRORS as exc:
            # The request may have reached Twilio before the answer was lost or too slow.
            code = "timeout" if isinstance(exc, ReadTimeoutError) else "network"
            raise ProviderError("unknown", code, type(exc).__name__, outage=True) from exc
        return Accepted(sid=str(message.sid))

    def find_sent(self, to: str, body: str, since: datetime) -> str | None:
        """Looked up by recipient and creation time, not Twilio's DateSent filter: a message
        still queued at Twilio has no date_sent yet and would be missed, then sent twice."""
        try:
            for message in self.client.messages.list(to=to, limit=100):
                created = message.date_created
                if message.body == body and (created is None or created >= since):
                    return str(message.sid)
        except (TwilioRestException, *NETWORK_ERRORS) as exc:
            raise ProviderError("unknown", "lookup", type(exc).__name__) from exc
        return None

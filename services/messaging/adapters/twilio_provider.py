"""The Twilio adapter, on the real twilio SDK. The fake Twilio server answers it in tests."""

from __future__ import annotations

from datetime import datetime

from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client
from urllib3.exceptions import ConnectTimeoutError, ReadTimeoutError

from services.messaging.adapters.provider import Accepted, Outcome, ProviderError, SendRequest
from services.messaging.adapters.twilio_client import NETWORK_ERRORS
from services.messaging.domain.whatsapp import PREFIX as WHATSAPP

# Twilio error codes (https://www.twilio.com/docs/api/errors) and what they mean for us.
SUPPRESS_CODES = frozenset({21610})  # the recipient replied STOP to this sender
RETRY_CODES = frozenset({20429, 20500, 20503, 30001, 30022})
# Anything else in the 4xx range is permanent (invalid number, not a mobile, blocked...).
CALL_EVENTS = ["initiated", "ringing", "answered", "completed"]
RING_SECONDS = 30  # then no-answer, before most voicemail picks up at 20-30 s


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
        call_from: str | None = None,
    ) -> None:
        if not (from_number or messaging_service_sid):
            raise ValueError("a sender number or a Messaging Service SID is needed")
        self.client = client
        self.from_number = from_number
        self.messaging_service_sid = messaging_service_sid
        self.call_from = call_from or from_number  # calls need a number, never a service

    def send(self, request: SendRequest) -> Accepted:
        if request.voice_url:
            return self._call(request)
        sender: dict[str, str] = (
            {"messaging_service_sid": self.messaging_service_sid}
            if self.messaging_service_sid
            else {"from_": self.from_number or ""}
        )
        content: dict[str, str] = {"body": request.body}
        if request.to.startswith(WHATSAPP):
            # The same sender, as a WhatsApp address (a Messaging Service holds both).
            if "from_" in sender:
                sender["from_"] = WHATSAPP + sender["from_"]
            if request.content_sid:
                content = {"content_sid": request.content_sid}
                if request.content_variables:
                    content["content_variables"] = request.content_variables
        try:
            message = self.client.messages.create(
                to=request.to,
                status_callback=request.status_callback,
                validity_period=request.validity_seconds,
                **content,
                **sender,
            )
        except Exception as exc:
            raise provider_error(exc) from exc
        return Accepted(sid=str(message.sid))

    def _call(self, request: SendRequest) -> Accepted:
        """Place a call (decision 27): Twilio asks `voice_url` for its TwiML when answered,
        tells `status_callback` as it rings, is answered and ends, and detects a machine."""
        try:
            call = self.client.calls.create(
                to=request.to,
                from_=self.call_from or "",
                url=request.voice_url,
                status_callback=request.status_callback,
                status_callback_event=CALL_EVENTS,
                machine_detection="DetectMessageEnd",  # the voicemail after the beep
                timeout=RING_SECONDS,
            )
        except Exception as exc:
            raise provider_error(exc) from exc
        return Accepted(sid=str(call.sid))

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

    def find_call(self, to: str, since: datetime) -> str | None:
        """A call to this number created since then (queued calls have no start time yet,
        so by creation time, as for texts)."""
        try:
            for call in self.client.calls.list(to=to, limit=100):
                created = call.date_created
                if created is None or created >= since:
                    return str(call.sid)
        except (TwilioRestException, *NETWORK_ERRORS) as exc:
            raise ProviderError("unknown", "lookup", type(exc).__name__) from exc
        return None


def provider_error(exc: Exception) -> Exception:
    """What a failed create means for us; anything else goes up as it is (unknown)."""
    if isinstance(exc, TwilioRestException):
        outcome = classify_twilio_error(exc.status, exc.code)
        code = str(exc.code or exc.status)
        return ProviderError(outcome, code, exc.msg, outage=exc.status >= 500)
    if isinstance(exc, ConnectTimeoutError):  # no connection (refused too): nothing was sent
        return ProviderError("retry", "connect", type(exc).__name__, outage=True)
    if isinstance(exc, NETWORK_ERRORS):
        # The request may have reached Twilio before the answer was lost or too slow.
        code = "timeout" if isinstance(exc, ReadTimeoutError) else "network"
        return ProviderError("unknown", code, type(exc).__name__, outage=True)
    return exc

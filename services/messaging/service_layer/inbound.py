"""A reply as it arrives, before it is stored: a text, a WhatsApp message, or a key press
on a call."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from services.messaging.domain.whatsapp import split_address


@dataclass(frozen=True)
class InboundSms:
    provider_sid: str
    from_number: str
    to_number: str
    body: str
    # A key press on a call (decision 27): its channel, the intent the key means, and the
    # call it answers (the conversation is that call's, not the last text's).
    channel: str = "sms"
    intent: str | None = None
    answering: uuid.UUID | None = None

    @classmethod
    def of(cls, sid: str, sender: str, to: str, body: str) -> InboundSms:
        """From the provider's addresses: `whatsapp:+44...` is a WhatsApp message, kept as
        the number and its channel, so a STOP there stops the number (decision 30)."""
        channel, number = split_address(sender)
        return cls(sid, number, split_address(to)[1], body, channel)

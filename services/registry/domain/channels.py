"""How a patient would rather be reached: sms, whatsapp, voice or letter (decision 30).

A patient list may say it in staff's words ("Text", "WhatsApp", "Phone call", "Post"); a
blank means no preference (messaging texts a mobile, or follows the trial's cascade)."""

from __future__ import annotations

from shared.errors import InvalidInput

CHANNELS = ("sms", "whatsapp", "voice", "letter")
WORDS = {
    "sms": "sms",
    "text": "sms",
    "texts": "sms",
    "text message": "sms",
    "whatsapp": "whatsapp",
    "whats app": "whatsapp",
    "voice": "voice",
    "call": "voice",
    "phone": "voice",
    "phone call": "voice",
    "telephone": "voice",
    "letter": "letter",
    "post": "letter",
    "postal": "letter",
    "mail": "letter",
}


def parse_preferred_channel(raw: str | None, field: str = "preferred_channel") -> str | None:
    text = " ".join((raw or "").casefold().replace("-", " ").split())
    if not text:
        return None
    found = WORDS.get(text)
    if found is None:
        reason = f"{(raw or '')[:40]!r} is not a channel: one of {', '.join(CHANNELS)}"
        raise InvalidInput.for_field(field, reason)
    return found

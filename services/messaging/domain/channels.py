"""The ways messaging reaches a patient, and which one a message goes by (design: Channels).

A patient's preferred channel comes from the registry; WhatsApp needs the patient's recorded
opt-in and an approved template, voice a phone number; a letter needs no number (the
registry shares the address only for the letter being sent).
"""

from __future__ import annotations

from dataclasses import dataclass

CHANNELS = ("sms", "whatsapp", "voice", "letter")
# Channels the sender sends (texts, WhatsApp, and calls since decision 27); letters have
# their own worker.
MESSAGES_API = ("sms", "whatsapp", "voice")


@dataclass(frozen=True)
class ChannelPrices:
    """What one message costs per channel (a text per part), in one currency."""

    sms_per_part: float = 0.04
    whatsapp: float = 0.03
    voice: float = 0.10
    letter: float = 0.85
    currency: str = "GBP"

    def cost(self, channel: str, parts: int = 1) -> float:
        if channel == "sms":
            return self.sms_per_part * parts
        return float(getattr(self, channel))


def choose(preferred: str | None, usable: set[str]) -> str | None:
    """The channel an invitation goes by without a cascade: the patient's preference when it
    can be used (WhatsApp needs an opt-in and an approved template, a call a number),
    otherwise a text; None when the patient has no textable number and no usable preference.
    """
    if preferred in usable:
        return preferred
    return "sms" if "sms" in usable else None


def reply_channel(inbound_channel: str) -> str:
    """Acknowledgements go back the way the reply came, WhatsApp (inside its session
    window) or text; a key press on a call is answered by text."""
    return "whatsapp" if inbound_channel == "whatsapp" else "sms"

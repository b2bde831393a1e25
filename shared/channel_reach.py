"""How far an invitation got on each channel, from its message's status: one definition for
messaging's batch report and consent's funnel and equity report (issue 17).

- *invited*: the invitation went out: a text or WhatsApp message the provider took, a call
  placed, a letter posted. Held, queued, suppressed, cancelled and failed-before-sending
  messages invited nobody.
- *delivered*: it reached the patient as far as anyone can know: a text or WhatsApp message
  delivered, a call answered (by the patient or their voicemail), a letter posted (the post
  reports nothing more).
"""

from __future__ import annotations

from collections.abc import Mapping

CHANNELS = ("sms", "whatsapp", "voice", "letter")
INVITED, DELIVERED = "invited", "delivered"
# What each channel calls delivered; the statuses are messaging's (STATUS_RANK).
DELIVERED_STATUSES: Mapping[str, frozenset[str]] = {
    "sms": frozenset({"delivered"}),
    "whatsapp": frozenset({"delivered"}),
    "voice": frozenset({"in-progress", "completed"}),
    "letter": frozenset({"sent"}),
}
# Out, but not (yet, or ever) delivered. A letter printed is not yet posted ("accepted").
OUT_STATUSES: Mapping[str, frozenset[str]] = {
    "sms": frozenset({"accepted", "sent", "undelivered"}),
    "whatsapp": frozenset({"accepted", "sent", "undelivered"}),
    "voice": frozenset({"accepted", "sent", "ringing", "no-answer", "busy"}),
    "letter": frozenset(),
}
# The messages that invite: the first one and a cascade's or reminder's next try.
INVITING_KINDS = frozenset({"invitation", "reminder"})


def stage(channel: str, status: str) -> str | None:
    """DELIVERED, INVITED, or None when the message has not reached anyone (yet)."""
    if status in DELIVERED_STATUSES.get(channel, ()):
        return DELIVERED
    if status in OUT_STATUSES.get(channel, ()):
        return INVITED
    return None

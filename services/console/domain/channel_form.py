"""The patient page's preferred-channel form (decision 30). Pure: no Flask.

Staff set how a patient would rather be reached after asking them; no preference lets the
trial's cascade decide. The registry checks the value, as for an import column."""

from __future__ import annotations

CHANNEL_FIELDS = {"preferred_channel": "Preferred channel"}
NO_PREFERENCE = "No preference: the trial's cascade decides"
CHANNEL_OPTIONS = (
    ("", NO_PREFERENCE),
    ("sms", "Text message"),
    ("whatsapp", "WhatsApp"),
    ("voice", "Phone call"),
    ("letter", "Letter"),
)


def channel_name(code: str | None) -> str:
    return dict(CHANNEL_OPTIONS).get(code or "", code or NO_PREFERENCE)


def channel_choice(form: dict[str, str] | None) -> dict[str, str | None]:
    """The registry's correction body: a channel, or null for no preference."""
    chosen = ((form or {}).get("preferred_channel") or "").strip()
    return {"preferred_channel": chosen or None}

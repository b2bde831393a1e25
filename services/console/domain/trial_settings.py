"""A trial's fields and its messaging settings from the admin's form. Pure: no Flask."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def new_trial_body(fields: Mapping[str, str], languages: list[str]) -> dict[str, Any]:
    return {
        "short_name": fields.get("short_name", "").strip(),
        "title": fields.get("title", "").strip(),
        "sponsor": fields.get("sponsor", "").strip(),
        "response_deadline_days": _number(fields.get("response_deadline_days", "")),
        "languages": languages or ["en"],
    }


def messaging_settings_body(fields: Mapping[str, str]) -> dict[str, Any]:
    """All of it, each time: a blank reminder means none; a blank window, the default one."""
    window = {k: fields.get(k, "").strip() for k in ("days", "start", "end")}
    return {
        "info_url": fields.get("info_url", "").strip(),
        "reminder_days": _number(fields.get("reminder_days", "")),
        "window": window if any(window.values()) else None,
        "smart_encoding": bool(fields.get("smart_encoding")),
    }


def _number(text: str) -> int | str | None:
    """Blank is None; anything not a number is passed on as typed, so the service names
    the field and says what it wants."""
    text = text.strip()
    if not text:
        return None
    return int(text) if text.isdigit() else text

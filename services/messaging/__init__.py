"""Messaging: SMS invitations, replies, and the provider adapters."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask

    from services.messaging.config import MessagingSettings


def create_app(settings: MessagingSettings | None = None) -> Flask:
    # Imported here, not at module level: `python -m services.messaging.replies` (the
    # classifier command) then starts without loading Flask, SQLAlchemy and Twilio.
    from services.messaging.bootstrap import build_app
    from services.messaging.config import load_settings

    return build_app(settings or load_settings())

"""Messaging: SMS invitations, replies, and the provider adapters."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask

    from services.messaging.config import MessagingSettings


def create_app(settings: MessagingSettings | None = None) -> Flask:
    # Imported here, not at module level: `python -m services.messaging.replies` (the
    # classifier command) then starts without loading Flask, SQLAlchemy and Twilio.
    from services.messaging.bootstrap import build_runtime
    from services.messaging.config import load_settings
    from services.messaging.entrypoints.api import (
        batches,
        messages,
        replies,
        segments,
        templates,
        trials,
        webhooks,
    )
    from shared.http.app import build_app
    from shared.logs import configure

    settings = settings or load_settings()
    configure("messaging", settings.common.log_level, settings.common.log_format)
    return build_app(
        build_runtime(settings),
        settings,
        title="TrialReach messaging",
        description="SMS invitations, delivery status, replies and opt-outs.",
        blueprints=[
            webhooks.blp,
            messages.blp,
            batches.blp,
            templates.blp,
            segments.blp,
            replies.blp,
            trials.blp,
        ],
    )

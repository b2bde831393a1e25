"""Consent: consent records, their audit chain, and the coordinators' view."""

from __future__ import annotations

from flask import Flask

from services.consent.bootstrap import build_runtime
from services.consent.config import ConsentSettings, load_settings
from services.consent.entrypoints.api import records
from shared.http.app import build_app
from shared.logs import configure


def create_app(settings: ConsentSettings | None = None) -> Flask:
    settings = settings or load_settings()
    configure("consent", settings.common.log_level, settings.common.log_format)
    return build_app(
        build_runtime(settings),
        settings,
        title="TrialReach consent",
        description="Consent records, their audit trail, and coordinators' queries.",
        blueprints=[records.blp],
    )

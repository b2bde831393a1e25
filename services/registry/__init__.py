"""The participant registry: practices, patients, trials, invitations, status per trial."""

from __future__ import annotations

from flask import Flask

from services.registry.bootstrap import build_runtime
from services.registry.config import RegistrySettings, load_settings
from services.registry.entrypoints.api import participants, practices, tokens, trials
from shared.http.app import build_app
from shared.logs import configure


def create_app(settings: RegistrySettings | None = None) -> Flask:
    settings = settings or load_settings()
    configure("registry", settings.common.log_level, settings.common.log_format)
    return build_app(
        build_runtime(settings),
        settings,
        title="TrialReach registry",
        description="Practices, participants, trials, cohorts and invitations.",
        blueprints=[practices.blp, participants.blp, trials.blp, tokens.blp],
    )

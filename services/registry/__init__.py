"""The participant registry: practices, patients, trials, invitations, status per trial."""

from __future__ import annotations

from flask import Flask

from services.registry.adapters.background import BackgroundJobs
from services.registry.bootstrap import build_runtime
from services.registry.config import RegistrySettings, load_settings
from services.registry.entrypoints.api import (
    cohorts,
    imports,
    participants,
    practices,
    tokens,
    trials,
)
from shared.http.app import build_app
from shared.logs import configure


def create_app(settings: RegistrySettings | None = None) -> Flask:
    settings = settings or load_settings()
    configure("registry", settings.common.log_level, settings.common.log_format)
    app = build_app(
        build_runtime(settings),
        settings,
        title="TrialReach registry",
        description="Practices, patient list imports, participants, trials, cohorts, "
        "invitations and API tokens.",
        blueprints=[
            practices.blp,
            imports.blp,
            participants.blp,
            trials.blp,
            cohorts.blp,
            tokens.blp,
        ],
    )
    app.extensions["registry.jobs"] = BackgroundJobs()
    return app

"""The one place that builds the registry's adapters and wires them together."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from services.registry.adapters import orm
from services.registry.adapters.background import BackgroundJobs
from services.registry.config import RegistrySettings
from services.registry.entrypoints.api import (
    addresses,
    cohorts,
    imports,
    participants,
    practices,
    tokens,
    trials,
)
from services.registry.entrypoints.handlers import HANDLERS
from services.registry.service_layer.unit_of_work import SqlRegistryUnitOfWork
from shared.http.app import service_app
from shared.runtime import Runtime, service_runtime

MIGRATIONS = Path(__file__).parent / "migrations"


def build_runtime(settings: RegistrySettings) -> Runtime[SqlRegistryUnitOfWork]:
    return service_runtime(
        settings.common,
        orm,
        unit_of_work=lambda sessions: SqlRegistryUnitOfWork(sessions, orm.platform, "registry"),
        handlers=HANDLERS,
        migrations=MIGRATIONS,
    )


def build_app(settings: RegistrySettings) -> Flask:
    app = service_app(
        settings,
        build_runtime,
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
            addresses.blp,
        ],
    )
    app.extensions[imports.JOBS] = BackgroundJobs()  # imports run in this process's threads
    return app

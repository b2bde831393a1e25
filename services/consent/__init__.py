"""Consent: consent records, their audit chain, and the coordinators' view."""

from __future__ import annotations

from flask import Flask

from services.consent.bootstrap import build_runtime
from services.consent.config import ConsentSettings, load_settings
from services.consent.entrypoints.api import admin, equity, forms, patients, records
from services.consent.entrypoints.web import pages
from shared.http.app import build_app
from shared.logs import configure


def create_app(settings: ConsentSettings | None = None) -> Flask:
    settings = settings or load_settings()
    configure("consent", settings.common.log_level, settings.common.log_format)
    app = build_app(
        build_runtime(settings),
        settings,
        title="TrialReach consent",
        description="Consent forms and records, the patient's consent pages, the audit trail, "
        "and coordinators' queries, exports and equity report.",
        blueprints=[records.blp, equity.blp, forms.blp, admin.blp, patients.blp],
    )
    pages.install(app)
    return app

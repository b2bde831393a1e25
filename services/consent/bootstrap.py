"""The one place that builds consent's adapters and wires them together."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from services.consent.adapters import orm
from services.consent.config import ConsentSettings
from services.consent.domain.links import LinkSigner
from services.consent.entrypoints.api import (
    admin,
    confirmation,
    equity,
    forms,
    patients,
    records,
    signed_copies,
)
from services.consent.entrypoints.handlers import HANDLERS
from services.consent.entrypoints.web import pages
from services.consent.service_layer.unit_of_work import LinkMaker, SqlConsentUnitOfWork
from shared.http.app import service_app
from shared.runtime import Runtime, service_runtime

MIGRATIONS = Path(__file__).parent / "migrations"


def build_runtime(settings: ConsentSettings) -> Runtime[SqlConsentUnitOfWork]:
    links = LinkMaker(LinkSigner(settings.dob_hash_key), settings.public_base_url)
    return service_runtime(
        settings.common,
        orm,
        unit_of_work=lambda sessions: SqlConsentUnitOfWork(
            sessions, orm.platform, "consent", links
        ),
        handlers=HANDLERS,
        migrations=MIGRATIONS,
    )


def build_app(settings: ConsentSettings) -> Flask:
    app = service_app(
        settings,
        build_runtime,
        title="TrialReach consent",
        description="Consent forms and records, the patient's consent pages, the audit trail, "
        "and coordinators' queries, exports and equity report.",
        blueprints=[
            records.blp,
            equity.blp,
            forms.blp,
            admin.blp,
            patients.blp,
            confirmation.blp,
            signed_copies.blp,
        ],
    )
    pages.install(app)
    return app

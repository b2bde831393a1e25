"""The staff and coordinator console: pages over the services' APIs, keeping no data itself."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import requests
from flask import Flask, g, request

from services.console.adapters.sessions import SessionStore
from services.console.config import ConsoleSettings, load_settings
from services.console.domain.navigation import Section, sections_for
from services.console.entrypoints import (
    admin,
    callbacks,
    coordinator,
    errors,
    filters,
    research,
    session,
    staff,
)
from services.console.entrypoints.server_session import ServerSessionInterface
from shared import web
from shared.http import observability, security
from shared.logs import configure
from shared.web import csrf


def create_app(settings: ConsoleSettings | None = None) -> Flask:
    settings = settings or load_settings()
    configure("console", settings.log_level, settings.log_format)
    # Its own scripts under /static/console, beside nhsuk-frontend's /static/nhsuk.
    app = Flask(__name__, static_url_path="/static/console")
    app.config.update(
        SECRET_KEY=settings.secret_key,
        TESTING=settings.testing,
        SESSION_COOKIE_NAME="trialreach_console",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SECURE=settings.secure_cookies,
        SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=timedelta(hours=settings.session_hours),
        MAX_CONTENT_LENGTH=200 * 1024 * 1024,  # patient lists pass through to the registry
        CSRF_IN_SESSION=True,
    )
    # The session (user, API token, CSRF secret) stays on the server; the cookie is an id.
    store = SessionStore(
        settings.database_url,
        lifetime=timedelta(hours=settings.session_hours),
        idle=timedelta(minutes=settings.session_idle_minutes),
    )
    app.extensions["console.sessions"] = store
    app.session_interface = ServerSessionInterface(store)
    app.extensions["console.settings"] = settings
    app.extensions["console.http"] = requests.Session()
    web.install(app, Path(__file__).parent / "templates")
    filters.install(app)

    @app.before_request
    def _forms_carry_their_csrf_token() -> None:
        if request.method == "POST":
            csrf.check()

    for blueprint in (session.bp, staff.bp, callbacks.bp, coordinator.bp, research.bp, admin.bp):
        app.register_blueprint(blueprint)
    errors.install(app)
    app.context_processor(_navigation)
    http = app.extensions["console.http"]
    checks = {
        name: _reachable(http, url)
        for name, url in (
            ("registry", settings.registry_url),
            ("messaging", settings.messaging_url),
            ("consent", settings.consent_url),
        )
    }
    # No token store here: only the metrics token reads the console's /metrics.
    observability.install(
        app, "console", checks, observability.metrics_access(settings.metrics_token)
    )
    # The pages show patient data: never cached, never framed, a CSP (shared/http/security).
    security.install(app)
    return app


def _reachable(http: requests.Session, base_url: str) -> observability.Check:
    def check() -> None:
        http.get(base_url + "/healthz", timeout=2).raise_for_status()

    return check


def _navigation() -> dict[str, object]:
    def nav_sections() -> tuple[Section, ...]:
        user = g.get("user")
        return sections_for(user.role) if user else ()

    return {"nav_sections": nav_sections, "service_name": "TrialReach console"}

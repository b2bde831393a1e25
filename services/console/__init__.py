"""The staff and coordinator console: pages over the services' APIs, keeping no data itself."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import requests
from flask import Flask, Response, g, request

from services.console.config import ConsoleSettings, load_settings
from services.console.domain.navigation import Section, sections_for
from services.console.entrypoints import admin, coordinator, errors, filters, session, staff
from shared import web
from shared.http import observability
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
    )
    app.extensions["console.settings"] = settings
    app.extensions["console.http"] = requests.Session()
    web.install(app, Path(__file__).parent / "templates")
    filters.install(app)

    @app.before_request
    def _forms_carry_their_csrf_token() -> None:
        if request.method == "POST":
            csrf.check()

    for blueprint in (session.bp, staff.bp, coordinator.bp, admin.bp):
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
    observability.install(app, "console", checks)

    @app.after_request
    def _headers(response: Response) -> Response:
        # The pages show patient data: never cached, never framed.
        response.headers.setdefault("Cache-Control", "no-store")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response

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

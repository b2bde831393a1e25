"""The part of every service's app factory that is the same for all three."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from http import HTTPStatus
from typing import Any, Protocol, TypeVar, cast

from flask import Flask, Response, current_app
from flask_smorest import Api, Blueprint
from werkzeug.exceptions import HTTPException, InternalServerError

from shared.auth.cache import CachedTokenStore
from shared.config import CommonSettings
from shared.db.unit_of_work import SqlUnitOfWork
from shared.errors import DomainError
from shared.http import bad_input, observability, security, unavailable, whoami
from shared.http.auth import BEARER_SCHEME
from shared.http.problems import (
    PROBLEM_JSON,
    ProblemSchema,
    from_domain_error,
    from_http_exception,
    problem,
)
from shared.logs import configure, get_logger
from shared.runtime import Runtime

log = get_logger("http")
S = TypeVar("S")
U = TypeVar("U", bound=SqlUnitOfWork)


class ServiceSettings(Protocol):
    @property
    def common(self) -> CommonSettings: ...


SS = TypeVar("SS", bound=ServiceSettings)


class ProblemApi(Api):  # type: ignore[misc]  # flask-smorest ships no types
    """flask-smorest, answering every HTTP error as an RFC 9457 problem document."""

    ERROR_SCHEMA = ProblemSchema

    def handle_http_exception(self, error: HTTPException) -> Response:
        return from_http_exception(error)

    def _register_responses(self) -> None:
        # flask-smorest documents errors as application/json; they are served as problem+json.
        def problem_response(description: str) -> dict[str, Any]:
            return {
                "description": description,
                "content": {PROBLEM_JSON: {"schema": self.ERROR_SCHEMA}},
            }

        for status in HTTPStatus:
            response = problem_response(status.phrase)
            if status < 200 or status in (204, 304):
                del response["content"]
            self.spec.components.response(status.name, response, lazy=True)
        default = problem_response("Default error response")
        self.spec.components.response("DEFAULT_ERROR", default, lazy=True)


def service_app(
    settings: SS,
    build_runtime: Callable[[SS], Runtime[SqlUnitOfWork]],
    *,
    title: str,
    description: str,
    blueprints: Iterable[Blueprint],
) -> Flask:
    """A service's app from its parts: logging set up, its runtime built, the common app."""
    common = settings.common
    configure(common.service, common.log_level, common.log_format)
    return build_app(
        build_runtime(settings),
        settings,
        title=title,
        description=description,
        blueprints=blueprints,
    )


def build_app(
    runtime: Runtime[SqlUnitOfWork],
    service_settings: object,
    *,
    title: str,
    description: str,
    blueprints: Iterable[Blueprint],
) -> Flask:
    settings = runtime.settings
    app = Flask(f"services.{settings.service}")
    app.config.update(
        API_TITLE=title,
        API_VERSION="1.0",
        OPENAPI_VERSION="3.1.0",
        OPENAPI_URL_PREFIX="/",
        OPENAPI_JSON_PATH="openapi.json",
        OPENAPI_REDOC_PATH="/docs",
        OPENAPI_REDOC_URL="https://cdn.jsdelivr.net/npm/redoc@2.1.5/bundles/redoc.standalone.js",
        API_SPEC_OPTIONS={
            "info": {"description": description},
            "components": {"securitySchemes": {"bearerAuth": BEARER_SCHEME}},
            "security": [{"bearerAuth": []}],
        },
        MAX_CONTENT_LENGTH=2 * 1024 * 1024,
        TESTING=settings.testing,
        # Never let Flask render its HTML error pages: every error is a problem document.
        TRAP_HTTP_EXCEPTIONS=False,
    )
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.extensions["trialreach.tokens"] = CachedTokenStore(
        runtime.token_store(), settings.token_cache_seconds
    )
    app.extensions["trialreach.runtime"] = runtime
    app.extensions["trialreach.settings"] = service_settings

    api = ProblemApi(app)
    bad_input.install(app, api)
    for blueprint in (whoami.blp, *blueprints):
        api.register_blueprint(blueprint)
    app.extensions["trialreach.api"] = api

    app.register_error_handler(DomainError, from_domain_error)
    unavailable.install(app)  # a database or bus that is down: 503 with Retry-After
    if not settings.testing:
        # In tests a real exception shows itself instead of becoming a tidy 500.
        app.register_error_handler(Exception, _unexpected)
    checks = {"database": runtime.check_database, "bus": runtime.check_bus}
    tokens = app.extensions["trialreach.tokens"]

    def is_admin(token: str) -> bool:
        principal = tokens.principal_for(token)
        return principal is not None and principal.is_admin

    access = observability.metrics_access(settings.metrics_token, is_admin)
    observability.install(app, settings.service, checks, access)
    security.install(app)
    return app


def _unexpected(error: Exception) -> Response:
    if isinstance(error, HTTPException):
        return from_http_exception(error)
    log.exception("unhandled_error")
    return problem(
        InternalServerError.code,
        "Internal server error",
        "Something went wrong on our side. It has been logged; please try again.",
    )


def runtime() -> Runtime[SqlUnitOfWork]:
    value: Runtime[SqlUnitOfWork] = current_app.extensions["trialreach.runtime"]
    return value


def settings_of(kind: type[S]) -> S:
    """This app's service settings, as the service's own settings class (its bootstrap put
    them there); each service names `kind` once, in its entrypoints/context.py."""
    return cast(S, current_app.extensions["trialreach.settings"])


def uow_factory_of(kind: type[U]) -> Callable[[], U]:
    """This app's unit-of-work factory, as the service's own unit of work."""
    return cast(Callable[[], U], runtime().uow_factory)


def unit_of_work_of(kind: type[U]) -> U:
    """A new unit of work for this request, as the service's own unit of work."""
    return uow_factory_of(kind)()

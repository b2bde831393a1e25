"""A dependency that is down (database, bus) is a 503 with Retry-After, never a 500.

Kept apart from the other error handlers: it judges the exception by what it says about
a server we depend on, not about the request."""

from __future__ import annotations

import socket

from flask import Flask, Response
from sqlalchemy import exc as sa_exc

from shared.http.problems import problem
from shared.logs import get_logger

log = get_logger("http")
RETRY_AFTER = 30  # seconds; a restarting database or broker is usually back by then


def is_dependency_down(error: BaseException) -> bool:
    """True for errors that mean a server we depend on is unreachable or failing, not
    that this request is wrong: connection refused or lost, pool exhausted, broker away."""
    from kombu.exceptions import OperationalError as BusOperationalError

    for cause in _chain(error):
        if isinstance(cause, sa_exc.DBAPIError) and cause.connection_invalidated:
            return True
        if isinstance(
            cause,
            sa_exc.OperationalError
            | sa_exc.InterfaceError
            | sa_exc.TimeoutError
            | sa_exc.DisconnectionError
            | BusOperationalError
            | ConnectionError
            | socket.timeout
            | TimeoutError,
        ):
            return True
        if type(cause).__module__.startswith("amqp") and "Connection" in type(cause).__name__:
            return True
    return False


def _chain(error: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and current not in seen:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def unavailable(detail: str = "A service we depend on is unavailable.") -> Response:
    return problem(
        503,
        "Service unavailable",
        f"{detail} Please try again shortly.",
        headers={"Retry-After": str(RETRY_AFTER)},
    )


def _handle(error: Exception) -> Response:
    log.warning("dependency_down", error=type(error).__name__)
    return unavailable()


def install(app: Flask) -> None:
    """Answer a dependency-down error as 503 (also in tests: it is not a bug to hide)."""
    for error_type in (
        sa_exc.OperationalError,
        sa_exc.InterfaceError,
        sa_exc.TimeoutError,
        sa_exc.DisconnectionError,
        ConnectionError,
        TimeoutError,
    ):
        app.register_error_handler(error_type, _handle)
    from kombu.exceptions import OperationalError as BusOperationalError

    app.register_error_handler(BusOperationalError, _handle)

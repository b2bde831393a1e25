"""Every error page says what happened and what to do next."""

from __future__ import annotations

from flask import Flask, render_template
from werkzeug.exceptions import HTTPException

from services.console.adapters.api_client import ApiProblem
from shared.errors import DomainError
from shared.http.problems import status_for
from shared.logs import get_logger

log = get_logger("console")

NEXT_STEP = {
    400: "Check what you entered and try again.",
    401: "Your sign-in has ended. Sign in again with your token.",
    403: "Your token does not give access to this. Ask your administrator if you need it.",
    404: "Check the link, or go back to the start page.",
    409: "Someone else changed this. Reload the page and try again.",
    413: "The file is too large. Split it into smaller files.",
    422: "Correct the fields shown and try again.",
    429: "Too many requests. Wait a minute and try again.",
}
FALLBACK = "Try again in a minute. If it keeps happening, tell your administrator."
# What happened, in plain words: never the framework's own text ("Forbidden", "You don't
# have the permission to access the requested resource...").
HEADING = {
    400: "There is a problem with what was sent",
    401: "You need to sign in again",
    403: "You cannot open this page",
    404: "Page not found",
    405: "This page cannot do that",
    409: "This has changed since you opened it",
    413: "The file is too large",
    422: "There is a problem with what was entered",
    429: "Too many requests",
    503: "A service is not available",
}
HAPPENED = {
    400: "The page sent something the console could not read.",
    401: "Your sign-in has ended or your token is no longer valid.",
    403: "Your access token does not cover this page, practice or trial.",
    404: "There is nothing at this address. It may have been moved or deleted.",
    405: "This address does not accept that kind of request.",
    413: "The file is larger than the console accepts.",
    429: "There have been too many requests from you in a short time.",
}
FALLBACK_HEADING = "Sorry, there is a problem with the service"


def install(app: Flask) -> None:
    app.register_error_handler(ApiProblem, _from_service)
    app.register_error_handler(HTTPException, _from_console)
    app.register_error_handler(DomainError, _from_rule)
    if not app.testing:
        app.register_error_handler(Exception, _unexpected)


def _from_service(problem: ApiProblem) -> tuple[str, int]:
    if problem.status >= 500:
        log.warning("service_problem", status=problem.status, title=problem.title)
    status = problem.status if 400 <= problem.status < 600 else 502
    # The service's own detail says what happened; its title is an HTTP reason phrase.
    detail = problem.detail or HAPPENED.get(status, "")
    return _page(status, HEADING.get(status, FALLBACK_HEADING), detail, problem.errors)


def _from_console(error: HTTPException) -> tuple[str, int]:
    status = error.code or 500
    detail = error.description or ""
    if detail == type(error).description:  # the framework's own words: plain ones instead
        detail = HAPPENED.get(status, "")
    return _page(status, HEADING.get(status, FALLBACK_HEADING), detail, [])


def _from_rule(error: DomainError) -> tuple[str, int]:
    status = status_for(error)
    return _page(status, HEADING.get(status, FALLBACK_HEADING), str(error), [])


def _unexpected(error: Exception) -> tuple[str, int]:
    if isinstance(error, HTTPException):
        return _from_console(error)
    log.exception("unhandled_error")
    return _page(
        500, FALLBACK_HEADING, "Something went wrong on our side and it has been logged.", []
    )


def _page(status: int, title: str, detail: str, errors: list[dict[str, str]]) -> tuple[str, int]:
    next_step = NEXT_STEP.get(status, FALLBACK)
    return (
        render_template(
            "console/error.html",
            status=status,
            title=title,
            detail=detail,
            errors=errors,
            next_step=next_step,
        ),
        status,
    )

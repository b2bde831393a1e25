"""Sign in with a token, sign out, and the signed-in user every page reads."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlsplit

import requests
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from werkzeug.wrappers import Response

from services.console.adapters.api_client import ApiProblem, ServiceClient
from services.console.adapters.sessions import SessionStore
from services.console.config import ConsoleSettings
from services.console.domain.navigation import may_open, sections_for
from services.console.entrypoints.server_session import ServerSession

bp = Blueprint("session", __name__)
F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class User:
    name: str
    role: str
    practices: tuple[str, ...]
    trials: tuple[str, ...]
    token: str


def settings() -> ConsoleSettings:
    value: ConsoleSettings = current_app.extensions["console.settings"]
    return value


def client(service: str, token: str | None = None) -> ServiceClient:
    config = settings()
    base = {
        "registry": config.registry_url,
        "messaging": config.messaging_url,
        "consent": config.consent_url,
    }[service]
    http: requests.Session = current_app.extensions["console.http"]
    return ServiceClient(base, token or current_user().token, config.api_timeout, http)


def current_user() -> User:
    user: User = g.user
    return user


def signed_in(view: F) -> F:
    """Pages need a session, and only open to the roles whose navigation holds them."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        data = session.get("user")
        if not data:
            return redirect(url_for("session.sign_in", next=request.full_path))
        g.user = User(
            name=data["name"],
            role=data["role"],
            practices=tuple(data["practices"]),
            trials=tuple(data["trials"]),
            token=data["token"],
        )
        if request.endpoint and not may_open(g.user.role, request.endpoint):
            abort(403)
        return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


@bp.get("/sign-in")
def sign_in() -> str:
    return render_template("console/sign_in.html", next=_safe_next(request.args.get("next")))


SIGN_IN_WINDOW = timedelta(minutes=1)


@bp.post("/sign-in")
def sign_in_submit() -> Response | tuple[str, int] | tuple[str, int, dict[str, str]]:
    token = request.form.get("token", "").strip()
    target = _safe_next(request.form.get("next"))
    store: SessionStore = current_app.extensions["console.sessions"]
    # Per client address, across processes: guessing tokens from one place is slow.
    attempts = store.count_sign_in(request.remote_addr or "unknown", SIGN_IN_WINDOW)
    if attempts > settings().sign_in_per_minute:
        page = render_template(
            "console/sign_in.html",
            error="Too many sign-in attempts from this computer. Wait a minute, then try again.",
            next=target,
        )
        return page, 429, {"Retry-After": str(int(SIGN_IN_WINDOW.total_seconds()))}
    if not token:
        return _sign_in_error("Enter your access token", target)
    try:
        me = client("registry", token).get("/whoami")
    except ApiProblem as problem:
        if problem.status == 401:
            return _sign_in_error(
                "This token is not recognised, has expired or was revoked. "
                "Check you copied all of it, or ask your administrator for a new one.",
                target,
            )
        raise
    _new_session()  # a new id and a new CSRF secret: nothing carries over from before
    session["user"] = {
        "name": me["name"],
        "role": me["role"],
        "practices": tuple(me["practices"]),
        "trials": tuple(me["trials"]),
        "token": token,
    }
    flash(f"Signed in as {me['name']}")
    return redirect(target or url_for("session.home"))


def _sign_in_error(message: str, target: str | None) -> tuple[str, int]:
    return render_template("console/sign_in.html", error=message, next=target), 400


def _new_session() -> None:
    assert isinstance(session, ServerSession)
    session.regenerate()


def _safe_next(target: str | None) -> str | None:
    """Only a path on this site: never an open redirect to somewhere else.

    Browsers drop tabs and newlines inside URLs and read a backslash as a slash, so
    `/<tab>/evil.example` or `/\\evil.example` would leave the site: anything with a control
    character, a backslash, a scheme or a host is refused rather than cleaned up.
    """
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(c) < 32 or 127 <= ord(c) < 160 for c in target):
        return None
    if any(c.isspace() for c in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


@bp.post("/sign-out")
def sign_out() -> Response:
    _new_session()  # the session's row is deleted: a copy of the cookie opens nothing
    flash("You have signed out")
    return redirect(url_for("session.sign_in"))


@bp.get("/")
@signed_in
def home() -> str:
    return render_template("console/home.html", sections=sections_for(current_user().role))

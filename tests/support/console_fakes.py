"""A console app over fake services: answers by path, and keeps every request it was sent."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any
from urllib.parse import urlsplit

from flask import Flask
from flask.testing import FlaskClient

from services.console import create_app
from services.console.config import ConsoleSettings
from shared.web import csrf

CSRF_SECRET = "c" * 40


class Answer:
    """A JSON answer, or a text one (a CSV download) when the body is a string."""

    def __init__(self, status: int, body: Any) -> None:
        self.status_code = status
        self.content = body.encode() if isinstance(body, str) else json.dumps(body).encode()
        self.reason = "fake"
        self.encoding = "utf-8"
        self.headers = {"Content-Type": "text/csv" if isinstance(body, str) else "application/json"}

    def json(self) -> Any:
        return json.loads(self.content)

    def iter_lines(self, decode_unicode: bool = False) -> Iterator[Any]:
        text = self.content.decode(self.encoding)
        yield from (text.splitlines() if decode_unicode else self.content.splitlines())

    def close(self) -> None:
        pass


class FakeServices:
    """Stands in for requests.Session: `routes` maps (method, path) to a function of the query
    or body that returns (status, body)."""

    def __init__(self) -> None:
        self.routes: dict[tuple[str, str], Callable[[Any], tuple[int, Any]]] = {}
        self.sent: list[tuple[str, str, Any]] = []
        self.token = ""  # the bearer token of the request being answered

    def request(
        self, method: str, url: str, params: Any = None, json: Any = None, **_: Any
    ) -> Answer:
        path = urlsplit(url).path
        self.token = str(_.get("headers", {}).get("Authorization", "")).removeprefix("Bearer ")
        given = json if json is not None else dict(params or {})
        self.sent.append((method, path, given))
        route = self.routes.get((method, path))
        if route is None:
            return Answer(404, {"title": "Not Found", "status": 404})
        return Answer(*route(given))


def console_settings(**changes: Any) -> ConsoleSettings:
    """Settings for a console under test: fake service addresses, plain cookies."""
    settings = ConsoleSettings(
        secret_key="x" * 32,
        registry_url="http://r",
        messaging_url="http://m",
        consent_url="http://c",
        secure_cookies=False,
        session_hours=1,
        api_timeout=1,
        log_level="WARNING",
        log_format="console",
        testing=True,
    )
    return replace(settings, **changes)


def console_over(services: FakeServices, **changes: Any) -> Flask:
    app = create_app(console_settings(**changes))
    app.extensions["console.http"] = services
    return app


def signed_in_as(
    client: FlaskClient, role: str, practices: tuple[str, ...] = ("M85001",)
) -> FlaskClient:
    """A console user signed in without the sign-in page, with CSRF_SECRET as the session's
    CSRF secret (forms carry it signed: `csrf_field`)."""
    with client.session_transaction() as session:
        session["user"] = {
            "name": "Sam",
            "role": role,
            "practices": list(practices),
            "trials": [],
            "token": "trt_x",
        }
        session[csrf.SESSION_KEY] = CSRF_SECRET
    return client


def csrf_field(client: FlaskClient) -> str:
    """The signed form value for the secret set by signed_in_as."""
    with client.application.test_request_context():
        return csrf.signed(CSRF_SECRET)

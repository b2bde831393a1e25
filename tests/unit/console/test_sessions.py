"""Console sessions live on the server: the cookie is an opaque id that dies at sign-out,
sign-in is rate limited, starts a new CSRF secret and only ever redirects within the site."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from services.console import create_app
from services.console.adapters.sessions import SessionStore
from services.console.config import ConsoleSettings
from shared.web import csrf

TOKEN = "trt_a-staff-token-that-must-never-reach-the-browser"
COOKIE = "trialreach_console"


class FakeResponse:
    def __init__(self, status: int, body: Any) -> None:
        self.status_code = status
        self.content = json.dumps(body).encode()
        self.reason = "fake"

    def json(self) -> Any:
        return json.loads(self.content)


class FakeRegistry:
    """Stands in for requests.Session: knows one token."""

    def request(self, method: str, url: str, **kwargs: Any) -> FakeResponse:
        if kwargs["headers"]["Authorization"] != f"Bearer {TOKEN}":
            return FakeResponse(401, {"title": "Unauthorized", "status": 401})
        if url.endswith("/whoami"):
            me = {"name": "Sam Staff", "role": "staff", "practices": ["M85001"], "trials": []}
            return FakeResponse(200, me)
        return FakeResponse(200, [])


def settings(**changes: Any) -> ConsoleSettings:
    values: dict[str, Any] = {
        "secret_key": "k" * 32,
        "registry_url": "http://r",
        "messaging_url": "http://m",
        "consent_url": "http://c",
        "secure_cookies": False,
        "session_hours": 8,
        "api_timeout": 1,
        "log_level": "WARNING",
        "log_format": "console",
        "testing": True,
    }
    return ConsoleSettings(**{**values, **changes})


@pytest.fixture
def app() -> Flask:
    app = create_app(settings())
    app.extensions["console.http"] = FakeRegistry()
    return app


def form_token(client: FlaskClient, path: str = "/sign-in") -> str:
    found = re.search(rf'name="{csrf.FIELD}" value="([^"]+)"', client.get(path).get_data(True))
    assert found
    return found.group(1)


def sign_in(client: FlaskClient, token: str = TOKEN, next_: str | None = None) -> Any:
    data = {csrf.FIELD: form_token(client), "token": token}
    if next_ is not None:
        data["next"] = next_
    return client.post("/sign-in", data=data)


def cookie_value(client: FlaskClient) -> str:
    cookie = client.get_cookie(COOKIE)
    assert cookie is not None
    return cookie.value


def test_the_cookie_holds_an_opaque_id_and_no_token(client: FlaskClient) -> None:
    response = sign_in(client)
    assert response.status_code == 302
    header = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith(COOKIE))
    value = cookie_value(client)
    assert "trt_" not in value and "Sam" not in value and "." not in value
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", value)
    assert "HttpOnly" in header and "SameSite=Lax" in header
    assert client.get("/practice/patients").status_code == 200


def test_a_cookie_copied_before_sign_out_opens_nothing_after_it(app: Flask) -> None:
    browser = app.test_client()
    sign_in(browser)
    copied = cookie_value(browser)
    thief = app.test_client()
    thief.set_cookie(COOKIE, copied)
    assert thief.get("/practice/patients").status_code == 200

    browser.post("/sign-out", data={csrf.FIELD: form_token(browser, "/")})

    after = thief.get("/practice/patients")
    assert after.status_code == 302
    assert after.headers["Location"].startswith("/sign-in")


def test_the_session_cookie_is_secure_when_the_setting_says_so() -> None:
    app = create_app(settings(secure_cookies=True))
    app.extensions["console.http"] = FakeRegistry()
    client = app.test_client()
    response = sign_in(client)
    header = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith(COOKIE))
    assert "Secure" in header


def test_signing_in_starts_a_new_session_and_a_new_csrf_token(client: FlaskClient) -> None:
    before = form_token(client)
    anonymous = client.get_cookie(COOKIE)
    sign_in(client)
    after = form_token(client, "/")

    assert after != before
    assert anonymous is not None and cookie_value(client) != anonymous.value
    # The token from before signing in no longer passes.
    refused = client.post("/sign-out", data={csrf.FIELD: before})
    assert refused.status_code == 403
    assert client.get("/practice/patients").status_code == 200


def test_a_made_up_or_tampered_csrf_token_is_refused(client: FlaskClient) -> None:
    good = form_token(client)
    for value in ("", "c" * 40, good[:-2] + ("AA" if not good.endswith("AA") else "BB")):
        response = client.post("/sign-in", data={csrf.FIELD: value, "token": TOKEN})
        assert response.status_code == 403, value


def test_sign_in_is_limited_to_ten_tries_a_minute_per_address(client: FlaskClient) -> None:
    for _ in range(10):
        assert sign_in(client, "trt_wrong").status_code == 400
    refused = sign_in(client, TOKEN)
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "60"
    assert "Too many sign-in attempts" in refused.get_data(True)
    assert client.get("/practice/patients").status_code == 302  # still signed out
    other = client.post(
        "/sign-in",
        data={csrf.FIELD: form_token(client), "token": TOKEN},
        environ_base={"REMOTE_ADDR": "10.0.0.2"},
    )
    assert other.status_code == 302


def test_a_session_ends_after_its_idle_time_and_its_lifetime() -> None:
    store = SessionStore("sqlite://", lifetime=timedelta(hours=8), idle=timedelta(minutes=30))
    start = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
    store.save("a" * 43, {"user": 1}, now=start)
    assert store.load("a" * 43, now=start + timedelta(minutes=29)) == {"user": 1}
    assert store.load("a" * 43, now=start + timedelta(minutes=58)) == {"user": 1}
    assert store.load("a" * 43, now=start + timedelta(minutes=90)) is None

    store.save("b" * 43, {"user": 2}, now=start)
    now = start
    while now + timedelta(minutes=20) < start + timedelta(hours=8):
        now += timedelta(minutes=20)
        assert store.load("b" * 43, now=now) == {"user": 2}
    assert store.load("b" * 43, now=start + timedelta(hours=8, minutes=1)) is None


def test_the_database_holds_no_usable_session_id() -> None:
    store = SessionStore("sqlite://", lifetime=timedelta(hours=8), idle=timedelta(minutes=30))
    store.save("secret-session-id-" + "x" * 25, {"user": 1})
    with store.engine.connect() as conn:
        ids = [row[0] for row in conn.exec_driver_sql("SELECT id_hash FROM console_sessions")]
    assert ids and all("secret-session-id" not in value for value in ids)


BYPASSES = [
    "/\t/evil.example",
    "/%09/evil.example",  # sent already decoded once more by some proxies
    "//evil.example",
    "///evil.example",
    "/\\evil.example",
    "\\/evil.example",
    "/\\/evil.example",
    "https://evil.example",
    "http:/evil.example",
    "https:evil.example",
    "javascript:alert(1)",
    "/\n/evil.example",
    "/\r\n/evil.example",
    " //evil.example",
    "/ /evil.example",
    "\x00//evil.example",
    "/\x00/evil.example",
    "evil.example",
    "@evil.example",
    "/\u3000/evil.example",
    "/\x7f/evil.example",
]


@pytest.mark.parametrize("target", BYPASSES)
def test_sign_in_redirects_only_to_paths_on_this_site(client: FlaskClient, target: str) -> None:
    response = sign_in(client, next_=target)
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location == "/" or (location.startswith("/") and not location.startswith("//"))
    assert location in ("/", "/%09/evil.example"), location


def test_the_sign_in_page_drops_an_unsafe_next(client: FlaskClient) -> None:
    page = client.get("/sign-in?next=/%09/evil.example").get_data(True)
    assert 'name="next"' not in page


def test_sign_in_goes_on_to_the_page_asked_for(client: FlaskClient) -> None:
    response = sign_in(client, next_="/practice/patients?page=2")
    assert response.headers["Location"] == "/practice/patients?page=2"

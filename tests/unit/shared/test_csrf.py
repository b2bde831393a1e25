"""CSRF tokens are signed values bound to the visitor's secret (issue 14, item 18)."""

from __future__ import annotations

import re

import pytest
from flask import Flask, render_template_string
from flask.testing import FlaskClient
from itsdangerous import URLSafeTimedSerializer

from shared import web
from shared.web import csrf


@pytest.fixture
def client() -> FlaskClient:
    """A page with a form, protected the way the consent page is (secret in a cookie)."""
    app = Flask(__name__)
    app.secret_key = "a-key-for-signing-csrf-tokens-000"
    web.install(app)

    @app.get("/form")
    def form() -> str:
        return render_template_string('<input name="{{ csrf_field }}" value="{{ csrf_token() }}">')

    @app.post("/form")
    def submit() -> str:
        csrf.check()
        return "ok"

    @app.errorhandler(csrf.CsrfFailed)
    def refused(_: csrf.CsrfFailed) -> tuple[str, int]:
        return "refused", 403

    return app.test_client()


def field(client: FlaskClient) -> str:
    found = re.search(r'value="([^"]+)"', client.get("/form").get_data(as_text=True))
    assert found
    return found.group(1)


def test_the_form_field_is_a_signature_not_the_cookie(client: FlaskClient) -> None:
    token = field(client)
    cookie = client.get_cookie(csrf.COOKIE)
    assert cookie is not None and token != cookie.value
    assert client.post("/form", data={csrf.FIELD: token}).status_code == 200


def test_the_bare_cookie_value_no_longer_passes(client: FlaskClient) -> None:
    field(client)
    cookie = client.get_cookie(csrf.COOKIE)
    assert cookie is not None
    assert client.post("/form", data={csrf.FIELD: cookie.value}).status_code == 403


def test_a_token_signed_with_another_key_is_refused(client: FlaskClient) -> None:
    field(client)
    cookie = client.get_cookie(csrf.COOKIE)
    assert cookie is not None
    forged = URLSafeTimedSerializer("someone-elses-key", salt=csrf.SALT).dumps(cookie.value)
    assert client.post("/form", data={csrf.FIELD: forged}).status_code == 403


def test_a_token_made_for_another_visitor_is_refused(client: FlaskClient) -> None:
    theirs = field(client)
    client.delete_cookie(csrf.COOKIE)
    field(client)  # a new visitor: a new cookie
    assert client.post("/form", data={csrf.FIELD: theirs}).status_code == 403

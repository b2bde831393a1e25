"""The console's pages carry the shared security headers; its /metrics needs the metrics token."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

from services.console import create_app
from tests.unit.console.test_sessions import app, settings

__all__ = ["app"]  # the fixture behind pytest-flask's client

METRICS_TOKEN = "p" * 40


def test_pages_carry_a_csp_whose_nonce_every_inline_script_has(client: FlaskClient) -> None:
    response = client.get("/sign-in")
    policy = response.headers["Content-Security-Policy"]
    nonce = re.search(r"script-src 'self' 'nonce-([^']+)'", policy)
    assert nonce, policy
    assert "frame-ancestors 'none'" in policy and "form-action 'self'" in policy
    page = response.get_data(as_text=True)
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", page)
    assert inline and all(f'nonce="{nonce.group(1)}"' in attrs for attrs in inline)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "Strict-Transport-Security" not in response.headers


def test_hsts_behind_https(client: FlaskClient) -> None:
    response = client.get("/sign-in", base_url="https://console.test")
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_metrics_need_the_metrics_token() -> None:
    client = create_app(settings(metrics_token=METRICS_TOKEN)).test_client()
    assert client.get("/metrics").status_code == 401
    wrong = client.get("/metrics", headers={"Authorization": "Bearer " + "q" * 40})
    assert wrong.status_code == 401
    right = client.get("/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"})
    assert right.status_code == 200
    assert "http_requests_total" in right.get_data(as_text=True)


def test_without_a_metrics_token_the_console_keeps_its_metrics_to_itself(
    client: FlaskClient,
) -> None:
    assert client.get("/metrics", headers={"Authorization": "Bearer "}).status_code == 401

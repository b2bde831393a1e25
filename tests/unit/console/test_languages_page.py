"""The admin page listing, per language, the page words translated and their review."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from services.console import create_app
from services.console.config import ConsoleSettings
from tests.support.console_fakes import signed_in_as


@pytest.fixture
def app() -> Iterator[Flask]:
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
    yield create_app(settings)


def test_admins_see_each_language_with_its_coverage_and_review_state(
    client: FlaskClient,
) -> None:
    page = signed_in_as(client, "admin").get("/admin/languages")
    html = page.get_data(True)
    assert page.status_code == 200
    rows = html.split('data-testid="languages"', 1)[1].split("</table>", 1)[0]
    assert "Punjabi (Shahmukhi) (pa-Arab)" in rows and "Tigrinya (ti)" in rows
    assert rows.count("<strong>Not reviewed</strong>") >= 25
    assert re.search(r"\b(\d+) of \1\b", rows), "a language with every message translated"


def test_staff_may_not_open_it(client: FlaskClient) -> None:
    assert signed_in_as(client, "staff").get("/admin/languages").status_code in (302, 403)

"""The cohort page says how many patients the filter found but cannot invite, and why."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from services.console import create_app
from tests.support.console_fakes import console_settings, signed_in_as

COHORT = "0c0f6e3a-9d4e-4a57-8d0f-2a4b7cb7d001"
TRIAL = "7a1e0b4c-1f0e-4d7a-9a55-6d2b3c1a9e02"
PREVIEW = {
    "count": 3,
    "textable": 3,
    "by_ethnic_group": {},
    "by_imd_quintile": {},
    "by_language": {},
    "by_age_band": {},
    "by_sex": {},
    "left_out": {
        "under the trial's minimum age": 1,
        "declined, refused, withdrew or opted out in another trial": 2,
    },
}


class FakeResponse:
    def __init__(self, body: Any) -> None:
        self.status_code = 200
        self.content = json.dumps(body).encode()
        self.reason = "OK"

    def json(self) -> Any:
        return json.loads(self.content)


class FakeRegistry:
    def request(self, method: str, url: str, **_: Any) -> FakeResponse:
        if url.endswith("/preview"):
            return FakeResponse(PREVIEW)
        if "/cohorts/" in url:
            return FakeResponse(
                {
                    "id": COHORT,
                    "trial_id": TRIAL,
                    "practice_ods": "M85001",
                    "name": "All",
                    "frozen_at": None,
                    "size": None,
                }
            )
        return FakeResponse({"id": TRIAL, "short_name": "DAYS"})


@pytest.fixture
def app() -> Iterator[Flask]:
    settings = console_settings()
    app = create_app(settings)
    app.extensions["console.http"] = FakeRegistry()
    yield app


def test_the_preview_says_how_many_were_left_out_and_why(client: FlaskClient) -> None:
    signed_in_as(client, "staff")

    page = client.get(f"/practice/cohorts/{COHORT}").get_data(True)

    assert "Left out: 3 patients this cohort cannot invite" in page
    assert "1: under the trial&#39;s minimum age" in page
    assert "2: declined, refused, withdrew or opted out in another trial" in page

"""Coordinator pages over a fake consent API: a participant is named by the study number."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from services.console import create_app
from tests.support.console_fakes import console_settings, signed_in_as

TRIAL_ID = "11111111-2222-4333-8444-555555555555"
PARTICIPANT_ID = "7d3c8a1e-0b7f-4a43-9c57-1d2f3e4a5b6c"
RECORD = {
    "study_number": "DEMO-AF-000123",
    "trial_id": TRIAL_ID,
    "practice_ods": "M85001",
    "status": "consented",
    "form_version": 1,
    "updated_at": "2026-07-01T12:00:00Z",
    "participant": None,
    "history": [],
    "responses": [],
    "audit_chain_intact": True,
    "audit_chain_broken_at": None,
}


class FakeResponse:
    def __init__(self, status: int, body: Any) -> None:
        self.status_code, self.reason = status, "fake"
        self.content = json.dumps(body).encode()

    def json(self) -> Any:
        return json.loads(self.content)


class FakeServices:
    def __init__(self) -> None:
        self.asked: list[str] = []

    def request(self, method: str, url: str, **kwargs: Any) -> FakeResponse:
        self.asked.append(url)
        if url == f"http://c/trials/{TRIAL_ID}/consent-records/DEMO-AF-000123":
            return FakeResponse(200, RECORD)
        return FakeResponse(404, {"title": "Not Found", "status": 404})


@pytest.fixture
def services() -> FakeServices:
    return FakeServices()


@pytest.fixture
def app(services: FakeServices) -> Iterator[Flask]:
    settings = console_settings()
    app = create_app(settings)
    app.extensions["console.http"] = services
    yield app


def test_a_record_page_is_reached_and_titled_by_its_study_number(client: FlaskClient) -> None:
    signed_in_as(client, "coordinator")
    page = client.get(f"/trials/{TRIAL_ID}/participants/DEMO-AF-000123").get_data(True)

    assert "Participant DEMO-AF-000123" in page


def test_a_participant_id_in_a_coordinator_url_is_not_passed_on(
    client: FlaskClient, services: FakeServices
) -> None:
    signed_in_as(client, "coordinator")
    response = client.get(f"/trials/{TRIAL_ID}/participants/{PARTICIPANT_ID}")

    assert response.status_code == 404
    assert services.asked == []

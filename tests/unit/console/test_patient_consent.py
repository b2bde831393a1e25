"""The staff patient page over fake registry and consent APIs: the study number per trial, the
consent page's lock with a button to lift it, and a new link."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from services.console import create_app
from shared.web import csrf
from tests.support.console_fakes import console_settings, csrf_field, signed_in_as

PATIENT_ID = "7d3c8a1e-0b7f-4a43-9c57-1d2f3e4a5b6c"
TRIAL_ID = "11111111-2222-4333-8444-555555555555"
PATIENT = {
    "id": PATIENT_ID,
    "given_name": "Nasreen",
    "family_name": "Akhtar",
    "nhs_number": "4010232137",
    "practice_ods": "M85001",
    "date_of_birth": "1958-11-02",
    "mobile": "+447400123777",
    "textable": True,
    "language": "ur",
    "interpreter_needed": False,
    "opted_out": False,
    "trials": [{"trial_id": TRIAL_ID, "status": "link_sent"}],
}
CONSENT = {
    "participant_id": PATIENT_ID,
    "trials": [
        {
            "trial_id": TRIAL_ID,
            "short_name": "DEMO-AF",
            "status": "link_sent",
            "study_number": "DEMO-AF-000123",
            "link_live": True,
            "locked_until": "2026-07-02T11:05:00Z",
        }
    ],
}


ADDRESS = {
    "participant_id": PATIENT_ID,
    "address_line_1": "12 Villa Road",
    "address_line_2": None,
    "address_line_3": None,
    "town": "Birmingham",
    "postcode": "B19 1BH",
    "large_print": True,
}


class FakeResponse:
    def __init__(self, status: int, body: Any) -> None:
        self.status_code, self.reason = status, "fake"
        self.content = json.dumps(body).encode()

    def json(self) -> Any:
        return json.loads(self.content)


class FakeServices:
    def __init__(self, consent: Any = CONSENT) -> None:
        self.consent = consent
        self.posts: list[str] = []

    def request(self, method: str, url: str, **kwargs: Any) -> FakeResponse:
        if method == "POST":
            self.posts.append(url)
            return FakeResponse(200, {"lifted": True} if url.endswith("/lift") else {"sent": True})
        if url == f"http://r/participants/{PATIENT_ID}":
            return FakeResponse(200, PATIENT)
        if url == f"http://r/participants/{PATIENT_ID}/address":
            return FakeResponse(200, ADDRESS)
        if url == "http://r/trials":
            return FakeResponse(200, [{"id": TRIAL_ID, "short_name": "DEMO-AF"}])
        if url == f"http://c/participants/{PATIENT_ID}/consent" and self.consent:
            return FakeResponse(200, self.consent)
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


def test_the_patient_page_shows_the_study_number_and_the_lock_in_uk_time(
    client: FlaskClient,
) -> None:
    page = signed_in_as(client, "staff").get(f"/practice/patients/{PATIENT_ID}").get_data(True)

    assert "DEMO-AF-000123" in page
    assert "Locked" in page and "2 Jul 2026, 12:05 (UK time)" in page
    assert "Lift the lock" in page and "Send a new link" in page


def test_the_patient_page_shows_the_postal_address_and_large_print(client: FlaskClient) -> None:
    page = signed_in_as(client, "staff").get(f"/practice/patients/{PATIENT_ID}").get_data(True)

    assert "12 Villa Road<br>Birmingham<br>B19 1BH" in page
    assert "Letters in large print" in page


def test_lifting_the_lock_asks_consent_and_says_so(
    client: FlaskClient, services: FakeServices
) -> None:
    signed_in_as(client, "staff")
    response = client.post(
        f"/practice/patients/{PATIENT_ID}/trials/{TRIAL_ID}/lift-lock",
        data={csrf.FIELD: csrf_field(client)},
    )
    page = client.get(response.headers["Location"]).get_data(True)

    assert response.status_code == 302
    assert services.posts == [f"http://c/participants/{PATIENT_ID}/trials/{TRIAL_ID}/lock/lift"]
    assert "Lock lifted" in page


def test_a_new_link_asks_consent_to_text_one(client: FlaskClient, services: FakeServices) -> None:
    signed_in_as(client, "staff")
    response = client.post(
        f"/practice/patients/{PATIENT_ID}/trials/{TRIAL_ID}/new-link",
        data={csrf.FIELD: csrf_field(client)},
    )

    assert response.status_code == 302
    assert services.posts == [f"http://c/participants/{PATIENT_ID}/trials/{TRIAL_ID}/new-link"]


def test_a_patient_consent_has_not_heard_of_yet_has_no_consent_table(
    client: FlaskClient, services: FakeServices
) -> None:
    services.consent = None
    page = signed_in_as(client, "staff").get(f"/practice/patients/{PATIENT_ID}").get_data(True)

    assert page.count("Nasreen") >= 1 and 'data-testid="consent"' not in page

"""The review inbox page over fake messaging and registry APIs: each reply with its patient,
trial and conversation, the flags, call back with a note; another practice's patient never
named."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from services.console import create_app
from services.console.domain.review_inbox import card, nhs_number, uk_time
from shared.web import csrf
from tests.support.console_fakes import console_settings, csrf_field, signed_in_as

OURS, THEIRS = "7d3c8a1e-0b7f-4a43-9c57-1d2f3e4a5b6c", "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0"
REPLY_ID = "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d"
TASK_ID = "c0ffee00-e5f6-4a7b-8c9d-0e1f2a3b4c5d"
INBOX: list[dict[str, Any]] = [
    {
        "id": REPLY_ID,
        "participant_id": OURS,
        "trial_id": "11111111-2222-4333-8444-555555555555",
        "trial_short_name": "AF-SCREEN",
        "practice_ods": "M85001",
        "language": "ur",
        "body": "please call me, I cannot read well",
        "received_at": "2026-07-01T12:05:00Z",
        "number_opted_out": True,
        "clarification_sent": False,
        "conversation": [
            {
                "direction": "out",
                "kind": "invitation",
                "body": "Your GP practice is inviting you...",
                "status": "delivered",
                "at": "2026-07-01T09:00:00Z",
            },
            {
                "direction": "in",
                "kind": "reply",
                "body": "please call me, I cannot read well",
                "intent": "unknown",
                "at": "2026-07-01T12:05:00Z",
            },
        ],
    },
    {
        "id": "b1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d",
        "participant_id": THEIRS,
        "trial_id": None,
        "trial_short_name": None,
        "practice_ods": "M85001",
        "language": "en",
        "body": "who?",
        "received_at": "2026-12-01T12:05:00Z",
        "number_opted_out": False,
        "clarification_sent": True,
        "conversation": [],
    },
]
PATIENT = {"id": OURS, "given_name": "Nasreen", "family_name": "Akhtar", "nhs_number": "4010232137"}
# Registered with a mobile whose STOP the registry had heard of.
STOPPED = {
    **PATIENT,
    "id": "c1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d",
    "practice_ods": "M85001",
    "date_of_birth": "1958-11-02",
    "mobile": "+447400123777",
    "textable": True,
    "language": "ur",
    "interpreter_needed": False,
    "opted_out": True,
    "trials": [],
}


class FakeResponse:
    def __init__(self, status: int, body: Any) -> None:
        self.status_code, self.reason = status, "fake"
        self.content = json.dumps(body).encode()

    def json(self) -> Any:
        return json.loads(self.content)


class FakeServices:
    """Stands in for requests.Session: the inbox, one patient of ours; records posts."""

    def __init__(self) -> None:
        self.posts: list[tuple[str, Any]] = []
        self.queries: list[Any] = []

    def request(self, method: str, url: str, **kwargs: Any) -> FakeResponse:
        if method == "POST":
            self.posts.append((url, kwargs.get("json")))
            return FakeResponse(200, {"id": REPLY_ID, "intent": "x", "callback_id": TASK_ID})
        if url == "http://m/replies/unclear":
            self.queries.append(kwargs.get("params"))
            return FakeResponse(200, INBOX)
        if url == f"http://r/participants/{OURS}":
            return FakeResponse(200, PATIENT)
        if url == f"http://r/participants/{STOPPED['id']}":
            return FakeResponse(200, STOPPED)
        if url == "http://r/trials":
            return FakeResponse(200, [])
        return FakeResponse(404, {"title": "Not Found"})


@pytest.fixture
def services() -> FakeServices:
    return FakeServices()


@pytest.fixture
def app(services: FakeServices) -> Iterator[Flask]:
    settings = console_settings()
    app = create_app(settings)
    app.extensions["console.http"] = services
    yield app


def test_a_card_shows_the_patient_trial_conversation_and_flags(client: FlaskClient) -> None:
    page = signed_in_as(client, "staff").get("/practice/replies").get_data(True)
    assert "Nasreen Akhtar" in page and "401 023 2137" in page
    assert "AF-SCREEN" in page and "Urdu" in page
    assert "Your GP practice is inviting you..." in page and "(this reply)" in page
    assert "Opted out of texts" in page
    assert "Make this a callback" in page
    assert "1 Jul 2026, 13:05 (UK time)" in page  # summer time
    # The registry did not give the other patient to this caller: no name, nothing guessed.
    assert "Patient not known here" in page


def test_one_action_makes_the_reply_a_callback_with_the_note_and_opens_it(
    client: FlaskClient, services: FakeServices
) -> None:
    response = signed_in_as(client, "staff").post(
        f"/practice/replies/{REPLY_ID}/callback",
        data={"note": "Mornings, in Urdu", csrf.FIELD: csrf_field(client)},
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/callbacks/{TASK_ID}")
    assert services.posts == [
        (f"http://m/replies/{REPLY_ID}/callback", {"note": "Mornings, in Urdu"})
    ]


def test_saying_what_a_reply_meant_no_longer_offers_call_back_as_an_intent(
    client: FlaskClient, services: FakeServices
) -> None:
    response = signed_in_as(client, "staff").post(
        f"/practice/replies/{REPLY_ID}",
        data={"intent": "callback", csrf.FIELD: csrf_field(client)},
    )
    assert response.status_code == 302 and services.posts == []


def test_times_are_uk_time_and_nhs_numbers_are_grouped() -> None:
    assert uk_time("2026-12-01T12:05:00Z") == "1 Dec 2026, 12:05"
    assert uk_time("2026-07-01T12:05:00+00:00") == "1 Jul 2026, 13:05"
    assert nhs_number("4010232137") == "401 023 2137"


def test_without_the_patient_a_card_names_nobody() -> None:
    shown = card(INBOX[0], None)
    assert shown.patient_name is None and shown.nhs_number is None
    assert [t.this_reply for t in shown.conversation] == [False, True]


def test_the_patient_page_says_a_stopped_number_is_not_texted_and_what_lifts_it(
    client: FlaskClient,
) -> None:
    page = signed_in_as(client, "staff").get(f"/practice/patients/{STOPPED['id']}").get_data(True)
    assert "Opted out." in page and "replied STOP" in page and "START" in page

"""The coordinator's record page says which language and version of the form the patient
read (decision 25), over a fake consent API."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from services.console import create_app
from tests.support.console_fakes import console_settings, signed_in_as

TRIAL = "7d3f6a0e-0b7e-4b8e-9a57-1f0f1d7c2a11"
STUDY_NUMBER = "DEMO-AF-000123"  # coordinators know a participant only by this
RECORD = {
    "study_number": STUDY_NUMBER,
    "trial_id": TRIAL,
    "status": "consented",
    "form_version": 2,
    "audit_chain_intact": True,
    "participant": {"language": "pl"},
    "history": [],
    "responses": [
        {"at": "2026-12-06T10:00:00Z", "decision": "agreed", "form_version": 2,
         "form_hash": "ab" * 32, "language": "ur", "items": {}},
    ],
    "understanding": [
        {"form_version": 2, "question_key": "leave", "language": "ur",
         "question": "کیا آپ تحقیق چھوڑ سکتے ہیں؟", "right_first_time": False, "understood": True,
         "tries": [
             {"answer": "never", "words": "نہیں، کبھی نہیں", "correct": False, "language": "ur",
              "at": "2026-12-06T09:58:00Z"},
             {"answer": "any_time", "words": "ہاں، کسی بھی وقت", "correct": True,
              "language": "ur", "at": "2026-12-06T09:59:00Z"},
         ]},
    ],
}  # fmt: skip


class FakeResponse:
    def __init__(self, status: int, body: Any) -> None:
        self.status_code = status
        self.content = json.dumps(body).encode()
        self.reason = "fake"

    def json(self) -> Any:
        return json.loads(self.content)


class FakeConsent:
    def request(self, method: str, url: str, **_: Any) -> FakeResponse:
        if url.endswith(f"/consent-records/{STUDY_NUMBER}"):
            return FakeResponse(200, RECORD)
        return FakeResponse(404, {"title": "Not Found"})


@pytest.fixture
def app() -> Iterator[Flask]:
    settings = console_settings()
    app = create_app(settings)
    app.extensions["console.http"] = FakeConsent()
    yield app


def test_the_record_page_names_the_language_and_version_of_the_form_read(
    client: FlaskClient,
) -> None:
    page = signed_in_as(client, "coordinator").get(f"/trials/{TRIAL}/participants/{STUDY_NUMBER}")
    html = page.get_data(True)
    assert page.status_code == 200, html[:500]
    table = html.split('data-testid="responses"', 1)[1].split("</table>", 1)[0]
    assert "Urdu (ur)" in table and ">2<" in table and "agreed" in table


def test_the_record_page_shows_each_understanding_question_as_asked_and_the_first_answer(
    client: FlaskClient,
) -> None:
    page = signed_in_as(client, "coordinator").get(f"/trials/{TRIAL}/participants/{STUDY_NUMBER}")

    html = page.get_data(True)
    table = html.split('data-testid="understanding"', 1)[1].split("</table>", 1)[0]
    assert '<span lang="ur" dir="auto">کیا آپ تحقیق چھوڑ سکتے ہیں؟</span>' in table
    assert "Wrong" in table and "Urdu" in table
    assert table.index("نہیں، کبھی نہیں") < table.index("ہاں، کسی بھی وقت")

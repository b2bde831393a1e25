"""The batch page over a fake messaging API: who may send unreviewed texts, and a refusal
shown beside the batch with what to do, not as a bare error page."""

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

BATCH = "5ca50849-39e3-4c3a-aa95-941186e3a4fc"
PREVIEW = {
    "batch": {
        "id": BATCH,
        "status": "draft",
        "practice_ods": "M85001",
        "parts": 1,
        "parts_received": 1,
    },
    "recipients": 2,
    "segments": 6,
    "cost": 0.24,
    "currency": "GBP",
    "unreviewed_languages": ["ur"],
    "languages": [
        {
            "language": "ur",
            "language_name": "Urdu",
            "count": 1,
            "reviewed": False,
            "text": "...",
            "rtl": True,
            "characters": 120,
            "encoding": "UCS-2",
            "segments": 2,
            "cost": 0.08,
            "template_language": "ur",
        },
    ],
}
REPORT = {
    "invitations": {"waiting_for_approval": 2, "total": 2},
    "progress": 0.0,
    "failed_by_reason": {},
    "replies_by_intent": {},
}
REFUSED = {
    "title": "Conflict",
    "status": 409,
    "detail": "the texts in ur have not been reviewed; review the templates, or an "
    "admin may approve with allow_unreviewed",
}


class FakeResponse:
    def __init__(self, status: int, body: Any) -> None:
        self.status_code = status
        self.content = json.dumps(body).encode()
        self.reason = "fake"

    def json(self) -> Any:
        return json.loads(self.content)


class FakeMessaging:
    """Stands in for requests.Session: answers the batch calls, refuses an approval."""

    def request(self, method: str, url: str, **_: Any) -> FakeResponse:
        if url.endswith("/preview"):
            return FakeResponse(200, PREVIEW)
        if url.endswith("/report"):
            return FakeResponse(200, REPORT)
        if method == "POST" and url.endswith("/approve"):
            return FakeResponse(409, REFUSED)
        return FakeResponse(404, {"title": "Not Found"})


@pytest.fixture
def app() -> Iterator[Flask]:
    settings = console_settings()
    app = create_app(settings)
    app.extensions["console.http"] = FakeMessaging()
    yield app


def test_staff_are_not_offered_a_send_they_may_not_make_and_are_told_who_can(
    client: FlaskClient,
) -> None:
    page = signed_in_as(client, "staff").get(f"/practice/batches/{BATCH}").get_data(True)
    assert "Not reviewed" in page
    assert "Approve and send" not in page
    assert "Ask an administrator" in page


def test_admins_may_send_unreviewed_texts_knowingly(client: FlaskClient) -> None:
    page = signed_in_as(client, "admin").get(f"/practice/batches/{BATCH}").get_data(True)
    assert "Approve and send" in page
    assert "Send the unreviewed translations anyway" in page


def test_a_refused_approval_shows_the_batch_with_the_reason(client: FlaskClient) -> None:
    response = signed_in_as(client, "staff").post(
        f"/practice/batches/{BATCH}/approve", data={csrf.FIELD: csrf_field(client)}
    )
    page = response.get_data(True)
    assert response.status_code == 409
    assert "have not been reviewed" in page
    assert "Invitation batch: draft" in page  # the batch itself, not a bare error page


class RecordingMessaging(FakeMessaging):
    """Also answers a cancellation, and remembers which batch calls were posted."""

    def __init__(self) -> None:
        self.posted: list[str] = []

    def request(self, method: str, url: str, **kwargs: Any) -> FakeResponse:
        if method == "POST":
            self.posted.append(url)
            if url.endswith("/cancel"):
                return FakeResponse(200, {"id": BATCH, "status": "cancelled"})
        return super().request(method, url, **kwargs)


def test_cancelling_a_batch_asks_first_and_says_what_happens_to_the_patients(
    app: Flask, client: FlaskClient
) -> None:
    messaging = RecordingMessaging()
    app.extensions["console.http"] = messaging
    staff = signed_in_as(client, "staff")

    batch_page = staff.get(f"/practice/batches/{BATCH}").get_data(True)
    assert f'href="/practice/batches/{BATCH}/cancel"' in batch_page  # a link, not a POST
    confirm = staff.get(f"/practice/batches/{BATCH}/cancel")
    page = confirm.get_data(True)
    assert confirm.status_code == 200
    assert "Are you sure you want to cancel this batch?" in page
    assert "2 invitations not yet sent" in page and "not invited" in page
    assert 'name="confirm" value="yes"' in page
    assert messaging.posted == []

    unconfirmed = staff.post(
        f"/practice/batches/{BATCH}/cancel", data={csrf.FIELD: csrf_field(client)}
    )
    assert unconfirmed.status_code == 302
    assert unconfirmed.headers["Location"].endswith(f"/practice/batches/{BATCH}/cancel")
    assert messaging.posted == [], "one click cancels nothing"

    confirmed = staff.post(
        f"/practice/batches/{BATCH}/cancel", data={csrf.FIELD: csrf_field(client), "confirm": "yes"}
    )
    assert confirmed.status_code == 302
    assert [url.rsplit("/", 2)[-2:] for url in messaging.posted] == [[BATCH, "cancel"]]


def test_a_page_refused_by_the_console_says_so_in_plain_words(client: FlaskClient) -> None:
    response = signed_in_as(client, "staff").get("/practice/patients?practice=M85002")

    page = response.get_data(True)
    assert response.status_code == 403
    assert "You cannot open this page" in page
    assert "the requested resource" not in page, "not the framework's default text"

"""The patients page over a fake registry: the search form's answers reach the API as its
query, values are shown as people read them, and a refused search is shown by its field."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient

from services.console import create_app
from services.console.config import ConsoleSettings

TRIAL = "0b7d6a5e-3f31-4bb4-8d3c-9d2c1e0f4a11"
PATIENT = {
    "id": "5ca50849-39e3-4c3a-aa95-941186e3a4fc",
    "practice_ods": "M85001",
    "nhs_number": "9991000038",
    "given_name": "Imran",
    "family_name": "Hussain",
    "date_of_birth": "1961-07-02",
    "language": "ur",
    "mobile": "+447400665530",
    "textable": True,
    "opted_out": False,
    "interpreter_needed": False,
    "created_at": "2026-12-06T14:05:31.123456+00:00",
    "trials": [{"trial_id": TRIAL, "status": "link_sent"}],
}


class Answer:
    def __init__(self, status: int, body: Any) -> None:
        self.status_code = status
        self.content = json.dumps(body).encode()
        self.reason = "fake"

    def json(self) -> Any:
        return json.loads(self.content)


class FakeRegistry:
    """Stands in for requests.Session; keeps each query the console sent."""

    def __init__(self) -> None:
        self.asked: list[dict[str, Any]] = []
        self.refuse: dict[str, Any] | None = None

    def request(self, method: str, url: str, params: Any = None, **_: Any) -> Answer:
        path = urlsplit(url).path
        if path == "/trials":
            return Answer(200, [{"id": TRIAL, "short_name": "DAYS"}])
        if path == "/participants":
            self.asked.append(dict(params or {}))
            if self.refuse:
                return Answer(422, self.refuse)
            page = params.get("page", 1)
            return Answer(
                200,
                {"items": [PATIENT], "total": 120, "next_page": page + 1, "next_cursor": None},
            )
        return Answer(404, {"title": "Not Found"})


@pytest.fixture
def registry() -> FakeRegistry:
    return FakeRegistry()


@pytest.fixture
def app(registry: FakeRegistry) -> Iterator[Flask]:
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
    app = create_app(settings)
    app.extensions["console.http"] = registry
    yield app


@pytest.fixture
def staff(client: FlaskClient) -> FlaskClient:
    with client.session_transaction() as session:
        session["user"] = {
            "name": "Sam",
            "role": "staff",
            "practices": ["M85001"],
            "trials": [],
            "token": "trt_x",
        }
    return client


def test_the_search_form_asks_the_registry_and_shows_people_not_codes(
    staff: FlaskClient, registry: FakeRegistry
) -> None:
    query = "q=999+100+0038&status=link_sent&trial_id=" + TRIAL + "&language=ur&sort=-added"
    page = staff.get(f"/practice/patients?{query}").get_data(True)
    assert registry.asked == [
        {
            "practice_ods": "M85001",
            "limit": 50,
            "q": "999 100 0038",
            "status": "link_sent",
            "trial_id": TRIAL,
            "language": "ur",
            "sort": "-added",
            "page": 1,
        }
    ]
    assert "Hussain, Imran" in page
    assert "999 100 0038" in page and "2 July 1961" in page and ">Urdu<" in page
    assert "DAYS: link sent" in page
    assert "Showing 1 to 1 of 120 patients found" in page
    assert 'value="999 100 0038"' in page  # the form keeps what was typed


def test_by_default_patients_are_sorted_by_name(staff: FlaskClient, registry: FakeRegistry) -> None:
    staff.get("/practice/patients")
    assert registry.asked[0]["sort"] == "name"


def test_the_next_page_keeps_the_search(staff: FlaskClient) -> None:
    page = staff.get("/practice/patients?q=campbell&page=2").get_data(True)
    assert "Page 1" in page and "Page 3" in page
    start = page.index('href="', page.index("nhsuk-pagination__link--next")) + len('href="')
    link = page[start : page.index('"', start)].replace("&amp;", "&")
    assert parse_qs(urlsplit(link).query) == {
        "page": ["3"],
        "q": ["campbell"],
        "sort": ["name"],
    }


def test_a_refused_search_is_shown_by_its_field_with_a_summary_that_links_to_it(
    staff: FlaskClient, registry: FakeRegistry
) -> None:
    registry.refuse = {
        "title": "Unprocessable Entity",
        "status": 422,
        "errors": [
            {
                "field": "q",
                "reason": "Enter a name, a 10-digit NHS number or a mobile number, not a mix",
                "in": "query",
            }
        ],
    }
    response = staff.get("/practice/patients?q=jade+0740")
    page = response.get_data(True)
    assert response.status_code == 422
    assert "There is a problem" in page
    assert '<a href="#q">Search: Enter a name' in page
    assert 'id="q-error"' in page and "nhsuk-form-group--error" in page
    assert "<title>Error: Patients" in page

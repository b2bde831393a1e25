"""The patients page over a fake registry: the search form's answers reach the API as its
query, values are shown as people read them, and a refused search is shown by its field."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from flask.testing import FlaskClient

from tests.support.console_fakes import FakeServices, console_over, signed_in_as

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


@pytest.fixture
def registry() -> FakeServices:
    fake = FakeServices()

    def participants(query: dict[str, Any]) -> tuple[int, Any]:
        page = query.get("page", 1)
        return 200, {"items": [PATIENT], "total": 120, "next_page": page + 1, "next_cursor": None}

    fake.routes[("GET", "/trials")] = lambda _: (200, [{"id": TRIAL, "short_name": "DAYS"}])
    fake.routes[("GET", "/participants")] = participants
    return fake


@pytest.fixture
def staff(registry: FakeServices) -> FlaskClient:
    return signed_in_as(console_over(registry).test_client(), "staff")


def asked(registry: FakeServices) -> list[dict[str, Any]]:
    return [query for _, path, query in registry.sent if path == "/participants"]


def test_the_search_form_asks_the_registry_and_shows_people_not_codes(
    staff: FlaskClient, registry: FakeServices
) -> None:
    query = "q=999+100+0038&status=link_sent&trial_id=" + TRIAL + "&language=ur&sort=-added"
    page = staff.get(f"/practice/patients?{query}").get_data(True)
    assert asked(registry) == [
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


def test_by_default_patients_are_sorted_by_name(staff: FlaskClient, registry: FakeServices) -> None:
    staff.get("/practice/patients")
    assert asked(registry)[0]["sort"] == "name"


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
    staff: FlaskClient, registry: FakeServices
) -> None:
    refusal = {
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
    registry.routes[("GET", "/participants")] = lambda _: (422, refusal)
    response = staff.get("/practice/patients?q=jade+0740")
    page = response.get_data(True)
    assert response.status_code == 422
    assert "There is a problem" in page
    assert '<a href="#q">Search: Enter a name' in page
    assert 'id="q-error"' in page and "nhsuk-form-group--error" in page
    assert "<title>Error: Patients" in page

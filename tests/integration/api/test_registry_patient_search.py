"""Staff find a patient among thousands: one search box (name, NHS number with or without
spaces, mobile), filters by trial status and language, sorts, and numbered pages; on
PostgreSQL through the real API."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from flask.testing import FlaskClient

from services.registry.service_layer import practices, statuses, trials
from tests.integration.api.conftest import World, register, serial, store_token

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def practice(registry_world: World) -> dict[str, Any]:
    """A practice of its own: five patients of known names, birthdays, languages, mobiles."""
    service = registry_world.service
    ods = f"S{serial():05d}"
    practices.create_practice(service.uow(), ods, "Search practice")
    people = {
        key: register(
            service,
            ods,
            given_name=given,
            family_name=family,
            date_of_birth=born,
            language=language,
            mobile_number=f"+4474{serial():08d}",
        )
        for key, given, family, born, language in (
            ("jade", "Jade", "Campbell", "1951-09-22", "en"),
            ("imran", "Imran", "Hussain", "1961-07-02", "ur"),
            ("ewa", "Ewa", "Nowak", "1970-03-15", "pl"),
            ("george", "George", "Campbell-Smith", "1950-01-01", "en"),
            ("percent", "Al%", "Jones_", "1980-05-05", "en"),
        )
    }
    trial = trials.create_trial(service.uow(), f"S-{serial()}", "Search trial", "Uni", None).id
    statuses.record_trial_status(service.uow(), people["jade"], trial, "consented")
    statuses.record_trial_status(service.uow(), people["imran"], trial, "invited")
    statuses.record_trial_status(service.uow(), people["ewa"], trial, "declined")
    with service.uow() as uow:
        found = {key: uow.registry.participant(pid) for key, pid in people.items()}
        details = {key: {"nhs": p.nhs_number, "mobile": p.mobile} for key, p in found.items() if p}
    return {"ods": ods, "ids": people, "trial": str(trial), "details": details}


@pytest.fixture
def staff_client(registry_world: World, practice: dict[str, Any]) -> FlaskClient:
    client = registry_world.service.client()
    token = store_token(registry_world.service, "staff", [practice["ods"]])
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return client


def names(client: FlaskClient, practice: dict[str, Any], **query: Any) -> list[str]:
    response = client.get("/participants", query_string={"practice_ods": practice["ods"], **query})
    assert response.status_code == 200, response.get_data(as_text=True)
    return [item["given_name"] for item in response.get_json()["items"]]


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("campbell", {"Jade", "George"}),
        ("JADE", {"Jade"}),
        ("jade camp", {"Jade"}),
        ("Campbell, Jade", {"Jade"}),
        ("camp geo", {"George"}),
        ("smith", set()),  # a name's start, not any part of it
        ("al%", {"Al%"}),  # % and _ are letters here, not wildcards
        ("a%", set()),
        ("jones_", {"Al%"}),
    ],
)
def test_search_by_the_start_of_given_and_family_names(
    staff_client: FlaskClient, practice: dict[str, Any], typed: str, found: set[str]
) -> None:
    assert set(names(staff_client, practice, q=typed)) == found


def test_search_by_nhs_number_with_or_without_spaces(
    staff_client: FlaskClient, practice: dict[str, Any]
) -> None:
    nhs = practice["details"]["imran"]["nhs"]
    spaced = f"{nhs[:3]} {nhs[3:6]} {nhs[6:]}"
    assert names(staff_client, practice, q=nhs) == ["Imran"]
    assert names(staff_client, practice, q=spaced) == ["Imran"]
    assert names(staff_client, practice, q=f"{nhs[:3]}-{nhs[3:6]}-{nhs[6:]}") == ["Imran"]


def test_search_by_mobile_as_staff_write_it(
    staff_client: FlaskClient, practice: dict[str, Any]
) -> None:
    e164 = practice["details"]["ewa"]["mobile"]
    national = "0" + e164[3:]
    assert names(staff_client, practice, q=e164) == ["Ewa"]
    assert names(staff_client, practice, q=national) == ["Ewa"]
    assert names(staff_client, practice, q=f"{national[:5]} {national[5:]}") == ["Ewa"]


def test_filter_by_trial_status_and_language(
    staff_client: FlaskClient, practice: dict[str, Any]
) -> None:
    trial = practice["trial"]
    assert names(staff_client, practice, status="consented") == ["Jade"]
    assert names(staff_client, practice, status="declined", trial_id=trial) == ["Ewa"]
    assert set(names(staff_client, practice, status="not_invited")) == {"George", "Al%"}
    assert set(names(staff_client, practice, status="not_invited", trial_id=trial)) == {
        "George",
        "Al%",
    }
    assert set(names(staff_client, practice, language="en")) == {"Jade", "George", "Al%"}
    assert names(staff_client, practice, language="Urdu") == ["Imran"]
    assert names(staff_client, practice, language="en", q="camp", status="consented") == ["Jade"]


@pytest.mark.parametrize(
    ("sort", "order"),
    [
        ("name", ["Jade", "George", "Imran", "Al%", "Ewa"]),
        ("-name", ["Ewa", "Al%", "Imran", "George", "Jade"]),
        ("date_of_birth", ["George", "Jade", "Imran", "Ewa", "Al%"]),
        ("-date_of_birth", ["Al%", "Ewa", "Imran", "Jade", "George"]),
        ("added", ["Jade", "Imran", "Ewa", "George", "Al%"]),
    ],
)
def test_sorted_pages_cover_every_match_once_in_order(
    staff_client: FlaskClient, practice: dict[str, Any], sort: str, order: list[str]
) -> None:
    seen: list[str] = []
    page: int | None = 1
    while page is not None:
        response = staff_client.get(
            "/participants",
            query_string={"practice_ods": practice["ods"], "sort": sort, "limit": 2, "page": page},
        )
        body = response.get_json()
        assert body["total"] == 5
        assert body["next_cursor"] is None
        seen.extend(item["given_name"] for item in body["items"])
        page = body["next_page"]
    assert seen == order


@pytest.mark.parametrize(
    ("query", "field", "says"),
    [
        ({"sort": "surname"}, "sort", "Sort by one of"),
        ({"status": "happy"}, "status", "Choose a status"),
        ({"sort": "name", "page": 0}, "page", "Pages count from 1"),
        ({"sort": "name", "page": 101, "limit": 100}, "page", "first 10000"),
        ({"page": 2}, "page", "need a sort"),
        ({"sort": "name", "cursor": str(uuid.uuid4())}, "cursor", "use page"),
        ({"q": "jade 0740"}, "q", "not a mix"),
    ],
)
def test_bad_search_parameters_are_refused_field_by_field(
    staff_client: FlaskClient,
    practice: dict[str, Any],
    query: dict[str, Any],
    field: str,
    says: str,
) -> None:
    response = staff_client.get(
        "/participants", query_string={"practice_ods": practice["ods"], **query}
    )
    assert response.status_code in (400, 422)
    errors = response.get_json(force=True)["errors"]
    assert [e["field"] for e in errors] == [field]
    assert says in errors[0]["reason"]


def test_the_first_page_tells_how_many_match(
    staff_client: FlaskClient, practice: dict[str, Any]
) -> None:
    body = staff_client.get(
        "/participants", query_string={"practice_ods": practice["ods"], "q": "campbell"}
    ).get_json()
    assert body["total"] == 2
    assert all(item["created_at"] for item in body["items"])

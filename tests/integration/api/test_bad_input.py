"""Input that was a 500 on every service is a problem document naming the field and why.

NUL characters in query strings and JSON, JSON nested thousands deep, path integers beyond
the database's range, and unknown query parameters (which were silently dropped).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.integration.api.conftest import World

pytestmark = pytest.mark.integration

SERVICES = ("registry", "messaging", "consent")


@pytest.fixture(params=SERVICES)
def world(request: pytest.FixtureRequest) -> World:
    found: World = request.getfixturevalue(f"{request.param}_world")
    return found


def _query_url(world: World) -> str:
    """An endpoint with a query schema on each service."""
    return {
        "registry": "/participants",
        "messaging": "/templates",
        "consent": f"/trials/{world.trial_x}/consent-records",
    }[world.service.name]


def _json_post(world: World) -> tuple[str, dict[str, Any], str]:
    """An endpoint taking JSON on each service, a body for it, and the field that gets a NUL."""
    posts: dict[str, tuple[str, dict[str, Any], str]] = {
        "registry": ("/practices", {"ods_code": "Y12345", "name": "A\x00B"}, "name"),
        "messaging": (
            "/templates",
            {
                "trial_id": str(world.trial_x),
                "kind": "invitation",
                "language": "en",
                "body": "Hello\x00",
            },
            "body",
        ),
        "consent": (
            f"/trials/{world.trial_x}/forms",
            {
                "items": [{"key": "read", "mandatory": True}],
                "translations": {
                    "en": {
                        "title": "T\x00",
                        "summary": "S",
                        "sheet_url": "https://example.org",
                        "items": {"read": "I read"},
                    }
                },
            },
            "translations.en.title",
        ),
    }
    return posts[world.service.name]


def _fields(response: Any) -> dict[str, str]:
    return {e["field"]: e["reason"] for e in response.get_json().get("errors", [])}


def test_a_nul_in_a_query_parameter_is_a_422_naming_it(world: World) -> None:
    response = world.service.client().get(
        _query_url(world), query_string={"language": "e\x00n"}, headers=world.headers("admin")
    )

    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert "NUL" in _fields(response)["language"]


def test_a_nul_in_the_query_of_the_streaming_fhir_export_is_refused_before_it_starts(
    consent_world: World,
) -> None:
    response = consent_world.service.client().get(
        f"/trials/{consent_world.trial_x}/fhir",
        query_string={"practice_ods": "M8500\x00"},
        headers=consent_world.headers("admin"),
    )

    assert response.status_code == 422
    assert "practice_ods" in _fields(response)


def test_a_nul_in_a_json_string_is_a_422_naming_the_field(world: World) -> None:
    url, body, field = _json_post(world)

    response = world.service.client().post(url, json=body, headers=world.headers("admin"))

    assert response.status_code == 422, response.get_json()
    assert "NUL" in _fields(response)[field]


def test_a_nul_in_a_json_key_is_a_422(registry_world: World) -> None:
    response = registry_world.service.client().post(
        "/practices",
        json={"ods_code": "Y12346", "name": "A", "x\x00": 1},
        headers=registry_world.headers("admin"),
    )

    assert response.status_code == 422


@pytest.mark.parametrize("depth", [40, 100_000])
def test_deeply_nested_json_is_refused_naming_the_limit(world: World, depth: int) -> None:
    url, body, _ = _json_post(world)
    nested = json.dumps({**body, "extra": [0]}).replace("[0]", "[" * depth + "]" * depth)

    response = world.service.client().post(
        url, data=nested, content_type="application/json", headers=world.headers("admin")
    )

    assert response.status_code in (400, 422)
    assert response.mimetype == "application/problem+json"
    assert "nested too deeply" in json.dumps(response.get_json())


def test_a_path_integer_beyond_the_database_range_is_a_404(consent_world: World) -> None:
    client = consent_world.service.client()
    headers = consent_world.headers("admin")
    base = f"/trials/{consent_world.trial_x}/forms"

    assert client.get(f"{base}/99999999999", headers=headers).status_code == 404
    assert client.post(f"{base}/99999999999/publish", headers=headers).status_code == 404
    assert client.get(f"{base}/2147483647", headers=headers).status_code == 404


def test_an_unknown_query_parameter_is_a_422_naming_it_not_silently_dropped(
    world: World,
) -> None:
    response = world.service.client().get(
        _query_url(world), query_string={"age": "forty"}, headers=world.headers("admin")
    )

    assert response.status_code == 422
    assert "age" in _fields(response)

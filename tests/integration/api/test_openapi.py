"""Each service describes itself: OpenAPI 3.1 with every endpoint, its schemas, and its auth."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask

from shared.http.problems import PROBLEM_JSON
from tests.integration.api.conftest import Service

pytestmark = pytest.mark.integration

SERVICES = ("registry", "messaging", "consent")
# Infrastructure, and the patient's consent pages (HTML for people, not part of the API).
# The patient's pages (/c/, /l/ for a letter, /copy/ for a signed copy) are pages, not the API.
INFRASTRUCTURE = (
    "/healthz",
    "/readyz",
    "/metrics",
    "/openapi.json",
    "/docs",
    "/static",
    "/c/",
    "/copy/",
    "/l/",
)


@pytest.fixture(params=SERVICES)
def service(request: pytest.FixtureRequest) -> Service:
    found: Service = request.getfixturevalue(f"{request.param}_service")
    return found


@pytest.fixture
def spec(service: Service) -> dict[str, Any]:
    response = service.client().get("/openapi.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    document: dict[str, Any] = response.get_json()
    return document


def documented_operations(app: Flask) -> list[tuple[str, str]]:
    """(OpenAPI path, method) for every route the service serves, bar the infrastructure."""
    found: list[tuple[str, str]] = []
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(INFRASTRUCTURE):
            continue
        path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule)
        found.extend((path, m.lower()) for m in (rule.methods or set()) - {"HEAD", "OPTIONS"})
    return sorted(found)


def resolve(spec: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        _, *parts = node["$ref"].split("/")
        target: Any = spec
        for part in parts:
            target = target[part]
        node = target
    return node


def test_it_is_openapi_3_1_with_a_title_and_a_version(spec: dict[str, Any]) -> None:
    assert spec["openapi"] == "3.1.0"
    assert spec["info"]["title"].startswith("TrialReach ")
    assert spec["info"]["version"]


def test_every_endpoint_is_listed(service: Service, spec: dict[str, Any]) -> None:
    operations = documented_operations(service.app)
    assert operations
    for path, method in operations:
        assert method in spec["paths"].get(path, {}), f"{method.upper()} {path} is not documented"


def test_every_operation_documents_its_success_response_and_its_schema(
    service: Service, spec: dict[str, Any]
) -> None:
    for path, method in documented_operations(service.app):
        operation = spec["paths"][path][method]
        successes = {code: r for code, r in operation["responses"].items() if code.startswith("2")}
        assert successes, f"{method.upper()} {path} documents no success response"
        for code, response in successes.items():
            response = resolve(spec, response)
            assert response.get("description"), (path, method, code)
            if code != "204":
                content = response.get("content")
                assert content, f"{method.upper()} {path} {code} has no content"
                assert all("schema" in media for media in content.values()), (path, code)


def test_every_request_body_and_query_has_a_schema(service: Service, spec: dict[str, Any]) -> None:
    for path, method in documented_operations(service.app):
        operation = spec["paths"][path][method]
        if method == "post":
            body = operation.get("requestBody")
            assert body and body["required"], f"POST {path} documents no request body"
            for media in body["content"].values():
                schema = resolve(spec, media["schema"])
                if schema.get("format") == "binary":  # an uploaded file, such as a CSV
                    continue
                if schema.get("type") == "array":
                    schema = resolve(spec, schema["items"])
                assert schema.get("properties"), path
        for parameter in [
            *spec["paths"][path].get("parameters", []),
            *operation.get("parameters", []),
        ]:
            assert parameter["schema"], (path, parameter["name"])


def test_path_parameters_are_documented(service: Service, spec: dict[str, Any]) -> None:
    for path, _ in documented_operations(service.app):
        names = set(re.findall(r"{([a-z_]+)}", path))
        documented = {p["name"] for p in spec["paths"][path].get("parameters", [])}
        assert names <= documented, path


@pytest.mark.parametrize(
    ("name", "path"),
    [("registry", "/participants"), ("consent", "/trials/{trial_id}/consent-records")],
)
def test_list_endpoints_document_their_query(
    name: str, path: str, request: pytest.FixtureRequest
) -> None:
    service: Service = request.getfixturevalue(f"{name}_service")
    spec = service.client().get("/openapi.json").get_json()
    query = {p["name"] for p in spec["paths"][path]["get"]["parameters"] if p["in"] == "query"}
    assert {"cursor", "limit"} <= query


def test_the_bearer_scheme_guards_every_endpoint_but_the_webhooks(
    service: Service, spec: dict[str, Any]
) -> None:
    assert spec["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "A TrialReach API token",
    }
    assert spec["security"] == [{"bearerAuth": []}]
    for path, method in documented_operations(service.app):
        operation = spec["paths"][path][method]
        if path.startswith("/webhooks/"):
            assert operation["security"] == [], "Twilio signs its webhooks; it has no token"
        elif path.startswith("/voice/"):  # a call's audio, fetched by Twilio (decision 27)
            assert operation["security"] == [], "Twilio's <Play> fetches it with no token"
        else:
            assert operation.get("security", spec["security"]) == [{"bearerAuth": []}]


def test_errors_are_documented_as_problem_documents(service: Service, spec: dict[str, Any]) -> None:
    problem = spec["components"]["schemas"]["Problem"]
    assert set(problem["required"]) == {"type", "title", "status"}
    assert "errors" in problem["properties"]
    for path, method in documented_operations(service.app):
        operation = spec["paths"][path][method]
        errors = {c: r for c, r in operation["responses"].items() if not c.startswith("2")}
        assert "default" in errors, f"{method.upper()} {path} documents no error response"
        for code, response in errors.items():
            content = resolve(spec, response)["content"]
            assert list(content) == [PROBLEM_JSON], (path, method, code)
            assert content[PROBLEM_JSON]["schema"] == {"$ref": "#/components/schemas/Problem"}


def test_docs_are_an_html_page_that_loads_the_spec(service: Service) -> None:
    response = service.client().get("/docs")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert "<html" in page.lower()
    assert "openapi.json" in page


def test_a_trials_sending_window_is_documented_by_messaging_alone(
    registry_service: Service, messaging_service: Service
) -> None:
    registry = registry_service.client().get("/openapi.json").get_json()
    messaging = messaging_service.client().get("/openapi.json").get_json()

    create = registry["paths"]["/trials"]["post"]
    asked = resolve(registry, create["requestBody"]["content"]["application/json"]["schema"])
    answered = resolve(
        registry, create["responses"]["201"]["content"]["application/json"]["schema"]
    )
    assert "short_name" in asked["properties"] and "short_name" in answered["properties"]
    assert "sending_window" not in asked["properties"]
    assert "sending_window" not in answered["properties"]
    settings = messaging["paths"]["/trials/{trial_id}/messaging-settings"]["patch"]
    schema = settings["requestBody"]["content"]["application/json"]["schema"]
    assert "window" in resolve(messaging, schema)["properties"]

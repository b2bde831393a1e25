"""Every error is an RFC 9457 problem document; domain errors map to HTTP in one table."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from shared import errors
from shared.http.app import ProblemApi
from shared.http.messages import plain
from shared.http.problems import (
    PROBLEM_JSON,
    TYPE_BASE,
    flatten_messages,
    from_domain_error,
    from_http_exception,
    status_for,
)


class NoSuchConsentForm(errors.NotFound):
    title = "No such consent form"


ERRORS: dict[str, tuple[errors.DomainError, int, str]] = {
    "unauthorized": (errors.Unauthorized("send a token"), 401, "Unauthorized"),
    "forbidden": (errors.Forbidden("not your practice"), 403, "Not allowed"),
    "not_found": (errors.NotFound("no participant 1"), 404, "Not found"),
    "subclass": (NoSuchConsentForm("no form v3"), 404, "No such consent form"),
    "conflict": (errors.Conflict("exists already"), 409, "Conflict"),
    "transition": (
        errors.InvalidTransition("invited cannot become consented"),
        409,
        "Transition not allowed",
    ),
    "invalid": (
        errors.InvalidInput(
            "two fields are wrong",
            [
                errors.FieldError("nhs_number", "fails the NHS number check digit"),
                errors.FieldError("mobile", "is not a phone number"),
            ],
        ),
        422,
        "Invalid input",
    ),
    "one_field": (
        errors.InvalidInput.for_field("date_of_birth", "is in the future"),
        422,
        "Invalid input",
    ),
    "domain": (
        errors.DomainError("something about the request"),
        400,
        "Request cannot be processed",
    ),
}


class Things(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1))
    tags = fields.List(fields.String(validate=validate.Length(max=3)), load_default=list)


@pytest.fixture
def client() -> Iterator[FlaskClient]:
    app = Flask("problems")
    app.config.update(API_TITLE="t", API_VERSION="1", OPENAPI_VERSION="3.1.0", TESTING=True)
    api = ProblemApi(app)
    blp = Blueprint("things", __name__)

    @blp.post("/things")
    @blp.arguments(Things)
    @blp.response(201, Things)
    def create(body: dict[str, Any]) -> Any:
        return body

    @blp.get("/raise/<name>")
    def raise_(name: str) -> Any:
        raise ERRORS[name][0]

    api.register_blueprint(blp)
    app.register_error_handler(errors.DomainError, from_domain_error)
    with app.test_client() as test_client:
        yield test_client


def assert_problem(response: Any, status: int, title: str) -> dict[str, Any]:
    assert response.status_code == status
    assert response.mimetype == PROBLEM_JSON
    body: dict[str, Any] = response.get_json(force=True)
    assert body["status"] == status
    assert body["title"] == title
    assert body["type"].startswith(TYPE_BASE)
    return body


@pytest.mark.parametrize("name", ERRORS)
def test_every_domain_error_maps_to_its_status(client: FlaskClient, name: str) -> None:
    error, status, title = ERRORS[name]
    assert status_for(error) == status
    body = assert_problem(client.get(f"/raise/{name}"), status, title)
    assert body["detail"] == error.detail
    assert body["type"] == TYPE_BASE + title.lower().replace(" ", "-")
    if error.errors:
        assert body["errors"] == [{"field": e.field, "reason": e.reason} for e in error.errors]
    else:
        assert "errors" not in body


def test_unauthorized_asks_for_a_bearer_token(client: FlaskClient) -> None:
    response = client.get("/raise/unauthorized")
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert "WWW-Authenticate" not in client.get("/raise/forbidden").headers


def test_every_error_class_has_a_status_in_the_table() -> None:
    classes = [errors.Unauthorized, errors.Forbidden, errors.NotFound, errors.Conflict]
    classes += [errors.InvalidTransition, errors.InvalidInput]
    for cls in classes:
        assert status_for(cls("x")) != 400


def test_a_bad_body_is_422_with_one_entry_per_field(client: FlaskClient) -> None:
    response = client.post("/things", json={"tags": ["ok", "toolong"], "extra": 1})
    body = assert_problem(response, 422, "Invalid input")
    assert sorted(body["errors"], key=lambda e: e["field"]) == [
        {
            "field": "extra",
            "reason": "Extra is not something we accept here: remove it or check its spelling",
            "in": "json",
        },
        {"field": "name", "reason": "Enter a name", "in": "json"},
        {"field": "tags.1", "reason": "Tags must be 3 characters or fewer", "in": "json"},
    ]
    assert "name: Enter a name" in body["detail"]


def test_a_good_body_passes(client: FlaskClient) -> None:
    response = client.post("/things", json={"name": "a"})
    assert response.status_code == 201
    assert response.get_json() == {"name": "a", "tags": []}


def test_an_unknown_path_is_a_404_problem(client: FlaskClient) -> None:
    assert_problem(client.get("/nowhere"), 404, "Not found")


def test_a_wrong_method_is_a_405_problem_that_says_what_is_allowed(client: FlaskClient) -> None:
    response = client.delete("/things")
    assert_problem(response, 405, "Method not allowed")
    assert "POST" in response.headers["Allow"]


def test_a_body_that_is_not_json_is_a_problem(client: FlaskClient) -> None:
    response = client.post("/things", data="{not json", content_type="application/json")
    assert_problem(response, 400, "Bad request")


@pytest.mark.parametrize(
    ("messages", "flat"),
    [
        ({"name": ["Missing data."]}, [{"field": "name", "reason": "Missing data."}]),
        (
            {"a": ["one", "two"], "b": ["three"]},
            [
                {"field": "a", "reason": "one"},
                {"field": "a", "reason": "two"},
                {"field": "b", "reason": "three"},
            ],
        ),
        (
            {"contact": {"mobile": ["is not a phone number"]}},
            [{"field": "contact.mobile", "reason": "is not a phone number"}],
        ),
        (
            {"rows": {3: {"nhs_number": ["bad"]}, 7: {"date_of_birth": ["bad"]}}},
            [
                {"field": "rows.3.nhs_number", "reason": "bad"},
                {"field": "rows.7.date_of_birth", "reason": "bad"},
            ],
        ),
        (["Invalid input type."], [{"field": "_", "reason": "Invalid input type."}]),
        ("just a message", [{"field": "_", "reason": "just a message"}]),
        (
            {"items": [{"id": ["bad"]}, {"name": ["missing"]}]},
            [{"field": "items.id", "reason": "bad"}, {"field": "items.name", "reason": "missing"}],
        ),
        ({"_schema": ["Invalid"]}, [{"field": "_schema", "reason": "Invalid"}]),
        (  # a marshmallow Dict: the entry's key names the input, not its "value"
            {"words": {"ur": {"value": {"text": ["missing"]}}, "xx": {"key": ["unknown"]}}},
            [
                {"field": "words.ur.text", "reason": "missing"},
                {"field": "words.xx.key", "reason": "unknown"},
            ],
        ),
        (  # a schema's own field called "key" keeps its name
            {"items": {"0": {"key": ["bad"]}}},
            [{"field": "items.0.key", "reason": "bad"}],
        ),
        ({}, []),
    ],
)
def test_flatten_messages_gives_one_entry_per_field_and_reason(
    messages: Any, flat: list[dict[str, str]]
) -> None:
    assert flatten_messages(messages) == flat


@pytest.mark.parametrize(
    ("field", "library", "plain_words"),
    [
        ("name", "Length must be between 1 and 200.", "Enter a name of 200 characters or fewer"),
        ("name", "Shorter than minimum length 1.", "Enter a name"),
        ("name", "Longer than maximum length 200.", "Name must be 200 characters or fewer"),
        (
            "intent",
            "Must be one of: yes, no, stop, help, start.",
            "Choose yes, no, stop, help or start",
        ),
        ("age_min", "Not a valid integer.", "Age min must be a whole number, like 40"),
        (
            "age",
            "Unknown field.",
            "Age is not something we accept here: remove it or check its spelling",
        ),
        (
            "x",
            "must be a letter followed by five digits",
            "must be a letter followed by five digits",
        ),
    ],
)
def test_library_messages_are_rewritten_in_plain_words(
    field: str, library: str, plain_words: str
) -> None:
    assert plain(field, library) == plain_words


def test_the_frameworks_403_text_is_replaced_by_plain_words() -> None:
    from werkzeug.exceptions import Forbidden

    app = Flask("plain")
    with app.app_context():
        body = from_http_exception(Forbidden()).get_json()
    assert body["title"] == "Not allowed"
    assert "permission to access the requested resource" not in body["detail"]

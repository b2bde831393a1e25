"""RFC 9457 problem documents for every error, and the one table from domain errors to HTTP."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from flask import Response, json
from marshmallow import Schema, fields
from werkzeug.exceptions import HTTPException

from shared import errors
from shared.http.messages import HTTP_TITLES, plain

PROBLEM_JSON = "application/problem+json"
TYPE_BASE = "https://trialreach.example/problems/"

STATUS_FOR: Mapping[type[errors.DomainError], int] = {
    errors.Unauthorized: 401,
    errors.Forbidden: 403,
    errors.NotFound: 404,
    errors.InvalidTransition: 409,
    errors.Conflict: 409,
    errors.InvalidInput: 422,
}


def status_for(error: errors.DomainError) -> int:
    for cls in type(error).__mro__:
        if cls in STATUS_FOR:
            return STATUS_FOR[cls]
    return 400


def problem(
    status: int,
    title: str,
    detail: str | None = None,
    *,
    type_: str | None = None,
    field_errors: Iterable[Mapping[str, str]] = (),
    headers: Mapping[str, str] | None = None,
) -> Response:
    body: dict[str, Any] = {
        "type": TYPE_BASE + (type_ or title.lower().replace(" ", "-")),
        "title": title,
        "status": status,
    }
    if detail:
        body["detail"] = detail
    listed = list(field_errors)
    if listed:
        body["errors"] = listed
    response = Response(json.dumps(body), status=status, mimetype=PROBLEM_JSON)
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def from_domain_error(error: errors.DomainError) -> Response:
    status = status_for(error)
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return problem(
        status,
        error.title,
        error.detail,
        field_errors=[{"field": e.field, "reason": e.reason} for e in error.errors],
        headers=headers,
    )


def flatten_messages(messages: Any, prefix: str = "") -> list[dict[str, str]]:
    """Turn marshmallow/webargs nested messages into [{field, reason}, ...]."""
    out: list[dict[str, str]] = []
    if isinstance(messages, Mapping):
        # marshmallow's Dict field files a value's errors under "value" (and a bad key's
        # under "key"): words.ur.text names the input, words.ur.value.text does not.
        dict_entry = bool(prefix) and "value" in messages and set(messages) <= {"key", "value"}
        for key, value in messages.items():
            if dict_entry and key == "value":
                name = prefix
            else:
                name = f"{prefix}.{key}" if prefix else str(key)
            out.extend(flatten_messages(value, name))
    elif isinstance(messages, list | tuple):
        if all(isinstance(m, str) for m in messages):
            out.extend({"field": prefix or "_", "reason": m} for m in messages)
        else:
            for item in messages:
                out.extend(flatten_messages(item, prefix))
    else:
        out.append({"field": prefix or "_", "reason": str(messages)})
    return out


def from_http_exception(error: HTTPException) -> Response:
    status = error.code or 500
    data = getattr(error, "data", None) or {}
    # webargs puts messages under their location ("json", "query", ...): keep the field path
    # but name the location separately so clients can show the reason next to the input.
    field_errors: list[dict[str, str]] = []
    for location, messages in (data.get("messages") or {}).items():
        for item in flatten_messages(messages):
            reason = plain(item["field"], item["reason"])
            field_errors.append({**item, "reason": reason, "in": str(location)})
    # The framework's own titles and texts ("Forbidden", "You don't have the permission to
    # access the requested resource...") are replaced by plain words.
    title, detail = HTTP_TITLES.get(status, (error.name, error.description or ""))
    detail = data.get("message") or detail
    if field_errors:
        detail = "; ".join(f"{e['field']}: {e['reason']}" for e in field_errors[:5])
    if status == 422:
        title = "Invalid input"
    response = problem(
        status, title, detail, field_errors=field_errors, headers=data.get("headers")
    )
    if status == 405 and error.get_response().headers.get("Allow"):
        response.headers["Allow"] = error.get_response().headers["Allow"]
    return response


class FieldErrorSchema(Schema):
    field = fields.String(required=True)
    reason = fields.String(required=True)
    in_ = fields.String(data_key="in")


class ProblemSchema(Schema):
    """RFC 9457 problem details, as every error is answered."""

    type = fields.String(required=True)
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String()
    errors = fields.List(fields.Nested(FieldErrorSchema))

"""Test controls under /_fake/: latency, errors, outages, delivery failures, replies, the log."""

from __future__ import annotations

import time
from typing import Any

from flask import Blueprint, Response, current_app, request

from services.fake_twilio.resources import json_response
from services.fake_twilio.store import DeliveryFailure, InjectedError

blp = Blueprint("fake_control", __name__, url_prefix="/_fake")


class BadControl(ValueError):
    """A control request the fake cannot act on: answered 400 with the reason."""


@blp.errorhandler(BadControl)
def _bad_control(exc: BadControl) -> Response:
    return json_response({"error": str(exc)}, 400)


def _fake() -> Any:
    return current_app.extensions["fake_twilio"]


def _body() -> dict[str, Any]:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise BadControl("send a JSON object")
    return data


def _number(body: dict[str, Any], key: str, default: float | None = None) -> float:
    value = body.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise BadControl(f"'{key}' must be a number, 0 or more")
    return float(value)


def _text(body: dict[str, Any], key: str) -> str:
    value = body.get(key)
    if not isinstance(value, str) or not value:
        raise BadControl(f"'{key}' is required")
    return value


@blp.post("/latency")
def latency() -> Response:
    """{"ms": 200}: every Twilio API call waits this long first."""
    _fake().store.latency = _number(_body(), "ms") / 1000
    return json_response({"latency_ms": _fake().store.latency * 1000})


@blp.post("/errors")
def errors() -> Response:
    """{"status": 429, "code": 20429, "count": 3, "to": "+44..."}: fail the next creates."""
    return json_response({"queued_errors": _fake().store.inject_error(injected_error())})


def injected_error() -> InjectedError:
    """The error a test asks for in the body of POST .../errors (texts' and calls' alike)."""
    body = _body()
    status = int(_number(body, "status", 500))
    if not 400 <= status <= 599:
        raise BadControl("'status' must be an HTTP error status")
    to, message = body.get("to"), body.get("message")
    return InjectedError(
        status=status,
        code=int(_number(body, "code", 20500 if status >= 500 else status)),
        count=max(int(_number(body, "count", 1)), 1),
        to=to if isinstance(to, str) and to else None,
        message=message if isinstance(message, str) else None,
    )


@blp.post("/outage")
def outage() -> Response:
    """{"seconds": 5}: every Twilio API call answers 503 until then (0 ends it)."""
    seconds = _number(_body(), "seconds", 5)
    _fake().store.outage_until = time.monotonic() + seconds
    return json_response({"outage_seconds": seconds})


@blp.post("/delivery")
def delivery() -> Response:
    """{"to": "+44...", "status": "undelivered", "error_code": 30003}; "delivered" clears it."""
    body = _body()
    to, status = _text(body, "to"), body.get("status", "undelivered")
    if status not in ("undelivered", "failed", "delivered"):
        raise BadControl("'status' must be undelivered, failed or delivered")
    failure = (
        None
        if status == "delivered"
        else DeliveryFailure(status, int(_number(body, "error_code", 30003)))
    )
    return json_response({"failing": _fake().store.fail_delivery(to, failure)})


@blp.post("/inbound")
def inbound() -> Response:
    """{"from": "+44...", "body": "YES"}: the patient replies, as from the phone page."""
    body = _body()
    message = _fake().webhooks.reply(_text(body, "from"), _text(body, "body"))
    return json_response(message.log_entry(), 201)


@blp.get("/messages")
def messages() -> Response:
    """Everything received, oldest first; ?to= keeps the texts to or from that number."""
    found = _fake().store.messages(request.args.get("to") or None)
    return json_response([m.log_entry() for m in found])


@blp.post("/reset")
def reset() -> Response:
    _fake().store.reset()
    _fake().webhooks.drop_pending()
    for call in _fake().calls.reset():  # calls still running end without another webhook
        call.events.notify(end="reset")
    return json_response({"reset": True})

"""Twilio's JSON shapes: the Message resource, a page of them, and the error document."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any, TypeVar
from urllib.parse import urlencode

from flask import Response

from services.fake_twilio.store import FakeMessage, InjectedError, rfc2822

T = TypeVar("T")

API_VERSION = "2010-04-01"

# Twilio's own wording for the errors the fake can produce (https://www.twilio.com/docs/errors).
ERROR_MESSAGES = {
    20003: "Authenticate",
    20404: "The requested resource was not found",
    20429: "Too Many Requests",
    20500: "Internal Server Error",
    20503: "Service Unavailable",
    21211: "Invalid 'To' Phone Number",
    21212: "Invalid 'From' Phone Number",
    21602: "Message body is required.",
    21603: "A 'From' or 'MessagingServiceSid' parameter is required to send a message.",
    21604: "A 'To' phone number is required.",
    21609: "Invalid 'StatusCallback'",
    21610: "Attempt to send to unsubscribed recipient",
    21614: "'To' number is not a valid mobile number",
    21617: "The concatenated message body exceeds the 1600 character limit.",
    21624: "Invalid validity period value",
}


def json_response(payload: Any, status: int = 200) -> Response:
    # json.dumps straight into a Response: no Flask JSON provider on the hot path.
    return Response(json.dumps(payload), status=status, mimetype="application/json")


def twilio_error(status: int, code: int, message: str | None = None) -> Response:
    payload = {
        "code": code,
        "message": message or ERROR_MESSAGES.get(code, "Error"),
        "more_info": f"https://www.twilio.com/docs/errors/{code}",
        "status": status,
    }
    response = json_response(payload, status)
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Basic realm="Twilio API"'
    return response


def refusal(
    problem: tuple[int, int, str | None] | None, take_error: Callable[[], InjectedError | None]
) -> Response | None:
    """Twilio's error for an invalid create, else the error a test injected for the number
    (taken only when the request is valid), else None: the create goes on."""
    if problem is not None:
        return twilio_error(*problem)
    injected = take_error()
    if injected is not None:
        return twilio_error(injected.status, injected.code, injected.message)
    return None


class Shapes:
    """Renders resources for one account; the URI prefixes are built once, not per request."""

    def __init__(self, account_sid: str) -> None:
        self.account_sid = account_sid
        self.messages_uri = f"/{API_VERSION}/Accounts/{account_sid}/Messages"

    def message(self, m: FakeMessage) -> dict[str, Any]:
        delivery = m.delivery  # one read: a consistent state even while callbacks advance it
        uri = f"{self.messages_uri}/{m.sid}"
        return {
            "account_sid": self.account_sid,
            "api_version": API_VERSION,
            "body": m.body,
            "date_created": rfc2822(m.created),
            "date_sent": rfc2822(delivery.sent),
            "date_updated": rfc2822(delivery.updated),
            "direction": m.direction,
            "error_code": delivery.error_code,
            "error_message": None,
            "from": m.from_,
            "messaging_service_sid": m.messaging_service_sid,
            "num_media": "0",
            "num_segments": str(m.segments),
            "price": None,
            "price_unit": "USD",
            "sid": m.sid,
            "status": delivery.status,
            "subresource_uris": {
                "media": f"{uri}/Media.json",
                "feedback": f"{uri}/Feedback.json",
            },
            "to": m.to,
            "uri": f"{uri}.json",
        }

    def page(
        self, found: list[FakeMessage], filters: dict[str, str], page: int, page_size: int
    ) -> dict[str, Any]:
        uri = f"{self.messages_uri}.json"
        return twilio_page("messages", found, self.message, uri, filters, page, page_size)


def twilio_page(
    name: str,
    found: Sequence[T],
    shape: Callable[[T], dict[str, Any]],
    base: str,
    filters: dict[str, str],
    page: int,
    page_size: int,
) -> dict[str, Any]:
    """Twilio's paging envelope: page `page` of `found` as the list `name`, each shaped as
    the API shows it; the page URIs are relative, as the SDK expects."""
    start = page * page_size
    records = [shape(item) for item in found[start : start + page_size]]

    def page_uri(number: int) -> str:
        return f"{base}?{urlencode({**filters, 'PageSize': page_size, 'Page': number})}"

    more = start + page_size < len(found)
    return {
        name: records,
        "page": page,
        "page_size": page_size,
        "start": start,
        "end": start + max(len(records) - 1, 0),
        "uri": page_uri(page),
        "first_page_uri": page_uri(0),
        "next_page_uri": page_uri(page + 1) if more else None,
        "previous_page_uri": page_uri(page - 1) if page > 0 else None,
    }

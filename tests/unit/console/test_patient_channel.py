"""The patient page's preferred-channel form over a fake registry (decision 30): staff set how
the patient would rather be reached, or no preference; a value the registry refuses is shown
beside the form."""

from __future__ import annotations

from html import unescape
from typing import Any

import pytest
from flask.testing import FlaskClient

from services.registry.domain.channels import parse_preferred_channel
from shared.errors import InvalidInput
from shared.web import csrf
from tests.support.console_fakes import console_over, csrf_field, signed_in_as
from tests.unit.console.test_patient_language import PAGE, PATIENT_ID, Registry


class ChannelRegistry(Registry):
    """The registry's PATCH of a preferred channel: read as an import column is, or refused."""

    def correct(self, body: dict[str, Any]) -> tuple[int, Any]:
        try:
            self.patient["preferred_channel"] = parse_preferred_channel(body["preferred_channel"])
        except InvalidInput as exc:
            problem = {"title": "Unprocessable Entity", "status": 422}
            errors = [{"field": e.field, "reason": e.reason} for e in exc.errors]
            return 422, {**problem, "errors": errors}
        return 200, self.patient


@pytest.fixture
def registry() -> ChannelRegistry:
    registry = ChannelRegistry()
    registry.routes[("PATCH", f"/participants/{PATIENT_ID}")] = registry.correct
    return registry


@pytest.fixture
def staff(registry: ChannelRegistry) -> FlaskClient:
    return signed_in_as(console_over(registry).test_client(), "staff")


def set_channel(staff: FlaskClient, channel: str) -> Any:
    data = {csrf.FIELD: csrf_field(staff), "preferred_channel": channel}
    return staff.post(f"/practice/patients/{PATIENT_ID}/channel", data=data)


def sent(registry: ChannelRegistry) -> list[Any]:
    return [body for method, _, body in registry.sent if method == "PATCH"]


def test_staff_set_a_phone_call_then_no_preference(
    staff: FlaskClient, registry: ChannelRegistry
) -> None:
    page = unescape(staff.get(PAGE).get_data(True))
    assert 'data-testid="preferred-channel"><a href="#channel-form">No preference' in page

    response = set_channel(staff, "voice")
    page = unescape(staff.get(response.headers["Location"]).get_data(True))

    assert response.status_code == 302 and response.headers["Location"] == PAGE
    assert "Preferred channel set to Phone call." in page
    assert 'data-testid="preferred-channel"><a href="#channel-form">Phone call<' in page
    assert '<option value="voice" selected>Phone call</option>' in page

    set_channel(staff, "")
    assert sent(registry) == [{"preferred_channel": "voice"}, {"preferred_channel": None}]
    assert registry.patient["preferred_channel"] is None


def test_a_channel_the_registry_refuses_is_shown_beside_the_form(
    staff: FlaskClient, registry: ChannelRegistry
) -> None:
    response = set_channel(staff, "pigeon")
    page = unescape(response.get_data(True))

    assert response.status_code == 422
    beside = page.split('id="preferred_channel-error"', 1)[1].split("</span>", 2)[1]
    assert "'pigeon' is not a channel" in beside
    assert registry.patient.get("preferred_channel") is None

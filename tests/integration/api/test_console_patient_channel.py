"""The console's preferred-channel form against the real registry API on PostgreSQL: what
the form sends is what the registry stores (and no preference clears it); staff of another
practice cannot set it."""

from __future__ import annotations

import uuid
from html import unescape
from typing import Any

import pytest
from flask.testing import FlaskClient

from shared.web import csrf
from tests.integration.api.conftest import ODS_A, World, register
from tests.integration.api.test_console_patient_language import console_as
from tests.support.console_fakes import csrf_field

pytestmark = pytest.mark.integration


def post_channel(client: FlaskClient, patient: uuid.UUID, channel: str) -> Any:
    return client.post(
        f"/practice/patients/{patient}/channel",
        data={csrf.FIELD: csrf_field(client), "preferred_channel": channel},
    )


def stored_channel(world: World, patient: uuid.UUID) -> str | None:
    answer = world.service.client().get(f"/participants/{patient}", headers=world.headers("admin"))
    found: str | None = answer.get_json()["preferred_channel"]
    return found


def test_staff_set_a_phone_call_and_then_no_preference(registry_world: World) -> None:
    patient = register(registry_world.service, ODS_A)
    staff = console_as(registry_world, "staff_a")

    response = post_channel(staff, patient, "voice")
    page = unescape(staff.get(response.headers["Location"]).get_data(True))

    assert response.status_code == 302
    assert stored_channel(registry_world, patient) == "voice"
    assert 'data-testid="preferred-channel"><a href="#channel-form">Phone call<' in page
    post_channel(staff, patient, "")
    assert stored_channel(registry_world, patient) is None


def test_staff_of_another_practice_cannot_set_the_channel(registry_world: World) -> None:
    patient = register(registry_world.service, ODS_A)

    response = post_channel(console_as(registry_world, "staff_b"), patient, "letter")

    assert response.status_code == 404
    assert stored_channel(registry_world, patient) is None

"""The console's language form against the real registry API on PostgreSQL: the body the
form sends is one the registry reads, its refusal lands beside the input used, and staff
of another practice cannot set the language of a patient who is not theirs."""

from __future__ import annotations

import uuid
from html import unescape
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask.testing import FlaskClient
from sqlalchemy import update

from services.console import create_app
from services.registry.adapters import orm
from shared.web import csrf
from tests.integration.api.conftest import ODS_A, World, register
from tests.support.console_fakes import Answer, console_settings, csrf_field, signed_in_as

pytestmark = pytest.mark.integration


class RegistryBridge:
    """Stands in for the console's requests.Session: the registry's calls go to its Flask
    app; consent has not heard of anyone (as before any invitation)."""

    def __init__(self, registry: FlaskClient) -> None:
        self.registry = registry

    def request(
        self, method: str, url: str, params: Any = None, json: Any = None, **kwargs: Any
    ) -> Answer:
        parts = urlsplit(url)
        if parts.netloc != "r":
            return Answer(404, {"title": "Not Found", "status": 404})
        answer = self.registry.open(
            parts.path,
            method=method,
            query_string=params,
            json=json,
            headers={"Authorization": kwargs["headers"]["Authorization"]},
        )
        return Answer(answer.status_code, answer.get_json() if answer.data else "")


def console_as(world: World, caller: str) -> FlaskClient:
    app = create_app(console_settings())
    app.extensions["console.http"] = RegistryBridge(world.service.client())
    client = signed_in_as(app.test_client(), "staff")
    with client.session_transaction() as session:
        session["user"] = {**session["user"], "token": world.tokens[caller]}
    return client


def post_language(client: FlaskClient, patient: uuid.UUID, **form: str) -> Any:
    return client.post(
        f"/practice/patients/{patient}/language",
        data={csrf.FIELD: csrf_field(client), **form},
    )


def unknown_language_patient(world: World) -> uuid.UUID:
    """As an import leaves a patient whose language the list did not say (the API never
    takes "und" as input, so it is written as an import writes it)."""
    patient = register(world.service, ODS_A)
    table = orm.participants
    with world.service.runtime.engine.begin() as conn:
        conn.execute(update(table).where(table.c.id == patient).values(language="und"))
    return patient


def stored_language(world: World, patient: uuid.UUID) -> str:
    answer = world.service.client().get(f"/participants/{patient}", headers=world.headers("admin"))
    return str(answer.get_json()["language"])


def test_staff_set_an_unknown_language_to_shahmukhi_punjabi(registry_world: World) -> None:
    patient = unknown_language_patient(registry_world)
    staff = console_as(registry_world, "staff_a")

    response = post_language(staff, patient, language="pa-Arab")
    page = unescape(staff.get(response.headers["Location"]).get_data(True))

    assert response.status_code == 302
    assert stored_language(registry_world, patient) == "pa-Arab"
    assert "Language set to Punjabi (Shahmukhi)." in page
    assert 'data-testid="texted-in">Punjabi (Shahmukhi)<' in page
    assert 'data-testid="interpreter">Not needed<' in page


def test_a_language_typed_by_its_gp_name_is_read_by_the_registry(registry_world: World) -> None:
    patient = unknown_language_patient(registry_world)

    post_language(console_as(registry_world, "staff_a"), patient, other_language="Mirpuri")

    assert stored_language(registry_world, patient) == "phr"


def test_an_unreadable_name_is_refused_beside_the_free_text_input(registry_world: World) -> None:
    patient = unknown_language_patient(registry_world)

    response = post_language(
        console_as(registry_world, "staff_a"), patient, other_language="Patois Creole"
    )
    page = unescape(response.get_data(True))

    assert response.status_code == 422
    assert "Patois Creole" in page.split('id="other_language-error"', 1)[1].split("</span>", 2)[1]
    assert stored_language(registry_world, patient) == "und"


def test_staff_of_another_practice_cannot_set_the_language(registry_world: World) -> None:
    patient = unknown_language_patient(registry_world)

    response = post_language(console_as(registry_world, "staff_b"), patient, language="ur")

    assert response.status_code == 404
    assert stored_language(registry_world, patient) == "und"

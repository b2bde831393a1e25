"""The registry tells consent how many people a practice's list and a trial's eligible cohort
hold per band, and nothing about who they are (on PostgreSQL, through the outbox)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask.testing import FlaskClient

from shared.events.contracts import CONTRACTS
from tests.integration.api.conftest import World
from tests.integration.api.test_registry_cohorts import (
    client_for,
    new_practice,
    new_trial,
    person,
)

pytestmark = pytest.mark.integration


@pytest.fixture
def admin(registry_world: World) -> FlaskClient:
    return client_for(registry_world, "admin")


def populations(world: World, ods: str) -> dict[str, Any]:
    found = {}
    for payload in world.service.outbox_payloads():
        event = json.loads(payload)
        if event["type"] == "registry.population.counted" and event["data"]["practice_ods"] == ods:
            CONTRACTS[event["type"]].load(event["data"])  # the contract holds
            found[event["data"]["population"]] = (event["data"], payload)
    return found


def test_inviting_a_cohort_counts_the_practice_list_and_the_eligible_cohort_by_band(
    admin: FlaskClient, registry_world: World
) -> None:
    ods, trial = new_practice(registry_world), new_trial(admin)
    adults = [person(registry_world, ods) for _ in range(5)]
    person(registry_world, ods, ethnic_category="A", imd_decile=9, mobile=None)  # not textable
    for _ in range(2):
        person(registry_world, ods, date_of_birth="2015-06-01")  # children: not eligible
    cohort = admin.post(f"/trials/{trial}/cohorts", json={"practice_ods": ods, "name": "All"})
    response = admin.post(
        f"/cohorts/{cohort.get_json()['id']}/invitations", json={"expected_count": 5}
    )

    assert response.status_code == 202, response.get_data(as_text=True)
    found = populations(registry_world, ods)
    practice_list, list_payload = found["practice_list"]
    eligible, eligible_payload = found["eligible"]
    assert practice_list["trial_id"] is None and sum(practice_list["counts"]["sex"].values()) == 8
    assert str(eligible["trial_id"]) == trial
    # Old enough, whether or not they can be texted: 5 + the one without a mobile.
    assert eligible["counts"]["ethnic_category"] == {"K": 5, "A": 1}
    assert eligible["counts"]["imd_decile"] == {"1": 5, "9": 1}
    for payload in (list_payload, eligible_payload):
        assert "Amina" not in payload and "Begum" not in payload
        assert not any(str(pid) in payload for pid in adults)

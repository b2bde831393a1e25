"""Every endpoint of every service, called by every kind of caller.

Without a usable token: 401 asking for a bearer token. With the wrong role: 403. With the
right role but another practice's or trial's data: 403, or 404 where saying "forbidden"
would tell the caller that the thing exists. With the right role and scope: 2xx.

A new endpoint fails `test_every_endpoint_is_in_the_matrix` until it is added here.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask

from services.consent import create_app as create_consent_app
from services.messaging import create_app as create_messaging_app
from services.registry import create_app as create_registry_app
from shared.http.problems import PROBLEM_JSON
from tests.integration.api.conftest import (
    BAD_CALLERS,
    CALLER_ROLES,
    CALLERS,
    ODS_A,
    World,
    nhs_number,
    register,
    serial,
)
from tests.support import settings

pytestmark = pytest.mark.integration

# Not behind a bearer token by design: probes, metrics, the API's own description, and
# Twilio's webhooks (signature-checked instead, see test_webhooks.py).
UNGUARDED = ("/healthz", "/readyz", "/metrics", "/openapi.json", "/docs", "/static", "/webhooks/")


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    json: Any = None
    query: Mapping[str, str] | None = None


@dataclass(frozen=True)
class Case:
    roles: frozenset[str]
    # Callers whose role is allowed, and what they get: scope decides between 2xx and 403/404.
    expect: Mapping[str, int]
    call: Callable[[World], Call]


def staff_of_a(ok: int, other_practice: int) -> dict[str, int]:
    return {"staff_a": ok, "staff_b": other_practice, "admin": ok}


def coordinator_of_x(ok: int, other_trial: int) -> dict[str, int]:
    return {"coordinator_x": ok, "coordinator_y": other_trial, "admin": ok}


def new_participant_body(_: World) -> Call:
    body = {
        "practice_ods": ODS_A,
        "nhs_number": nhs_number(),
        "given_name": "Amina",
        "family_name": "Begum",
        "date_of_birth": "04/03/1970",
        "mobile": "07400 123401",
        "language": "bn",
    }
    return Call("POST", "/participants", json=body)


def invite_a_new_participant(world: World) -> Call:
    participant_id = register(world.service, ODS_A)
    body = {"practice_ods": ODS_A, "participant_ids": [str(participant_id)]}
    return Call("POST", f"/trials/{world.trial_x}/invitations", json=body)


def issued_token(world: World) -> str:
    response = world.service.client().post(
        "/tokens", json={"name": "to revoke", "role": "admin"}, headers=world.headers("admin")
    )
    assert response.status_code == 201, response.get_data(as_text=True)
    return str(response.get_json()["id"])


STAFF_AND_ADMIN = frozenset({"staff", "admin"})
COORDINATOR_AND_ADMIN = frozenset({"coordinator", "admin"})
ADMIN = frozenset({"admin"})

EVERY_ROLE = frozenset({"staff", "coordinator", "admin"})
EVERY_CALLER_OK = dict.fromkeys(CALLER_ROLES, 200)

MATRIX: dict[tuple[str, str, str], Case] = {
    **{
        (service, "GET", "/whoami"): Case(
            EVERY_ROLE, EVERY_CALLER_OK, lambda w: Call("GET", "/whoami")
        )
        for service in ("registry", "messaging", "consent")
    },
    ("registry", "POST", "/practices"): Case(
        ADMIN,
        {"admin": 201},
        lambda w: Call("POST", "/practices", json={"ods_code": f"Y{serial():05d}", "name": "P"}),
    ),
    ("registry", "GET", "/practices"): Case(
        STAFF_AND_ADMIN, staff_of_a(200, 200), lambda w: Call("GET", "/practices")
    ),
    ("registry", "POST", "/participants"): Case(
        STAFF_AND_ADMIN, staff_of_a(201, 403), new_participant_body
    ),
    ("registry", "GET", "/participants"): Case(
        STAFF_AND_ADMIN,
        staff_of_a(200, 403),
        lambda w: Call("GET", "/participants", query={"practice_ods": ODS_A}),
    ),
    ("registry", "GET", "/participants/<uuid:participant_id>"): Case(
        STAFF_AND_ADMIN,
        staff_of_a(200, 404),
        lambda w: Call("GET", f"/participants/{w.participant_a}"),
    ),
    ("registry", "POST", "/trials"): Case(
        ADMIN,
        {"admin": 201},
        lambda w: Call(
            "POST", "/trials", json={"short_name": f"T-{serial()}", "title": "t", "sponsor": "s"}
        ),
    ),
    ("registry", "GET", "/trials"): Case(
        frozenset({"staff", "coordinator", "admin"}),
        {"staff_a": 200, "staff_b": 200, "coordinator_x": 200, "coordinator_y": 200, "admin": 200},
        lambda w: Call("GET", "/trials"),
    ),
    ("registry", "POST", "/trials/<uuid:trial_id>/invitations"): Case(
        STAFF_AND_ADMIN, staff_of_a(202, 403), invite_a_new_participant
    ),
    ("registry", "GET", "/tokens"): Case(ADMIN, {"admin": 200}, lambda w: Call("GET", "/tokens")),
    ("registry", "POST", "/tokens"): Case(
        ADMIN,
        {"admin": 201},
        lambda w: Call("POST", "/tokens", json={"name": "n", "role": "admin"}),
    ),
    ("registry", "DELETE", "/tokens/<uuid:token_id>"): Case(
        ADMIN, {"admin": 200}, lambda w: Call("DELETE", f"/tokens/{issued_token(w)}")
    ),
    ("messaging", "GET", "/participants/<uuid:participant_id>/messages"): Case(
        STAFF_AND_ADMIN,
        staff_of_a(200, 404),
        lambda w: Call("GET", f"/participants/{w.participant_a}/messages"),
    ),
    ("consent", "GET", "/trials/<uuid:trial_id>/summary"): Case(
        COORDINATOR_AND_ADMIN,
        coordinator_of_x(200, 403),
        lambda w: Call("GET", f"/trials/{w.trial_x}/summary"),
    ),
    ("consent", "GET", "/trials/<uuid:trial_id>/consent-records"): Case(
        COORDINATOR_AND_ADMIN,
        coordinator_of_x(200, 403),
        lambda w: Call("GET", f"/trials/{w.trial_x}/consent-records"),
    ),
    ("consent", "GET", "/trials/<uuid:trial_id>/consent-records/<uuid:participant_id>"): Case(
        COORDINATOR_AND_ADMIN,
        coordinator_of_x(200, 403),
        lambda w: Call("GET", f"/trials/{w.trial_x}/consent-records/{w.participant_a}"),
    ),
}


def expected_status(case: Case, caller: str) -> int:
    if caller in BAD_CALLERS:
        return 401
    if CALLER_ROLES[caller] not in case.roles:
        return 403
    return case.expect[caller]


def guarded_endpoints(service: str, app: Flask) -> set[tuple[str, str, str]]:
    found = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(UNGUARDED):
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            found.add((service, method, rule.rule))
    return found


def test_every_endpoint_is_in_the_matrix(tmp_path: Any) -> None:
    bus = settings.bus_settings("filesystem://", tmp_path)
    url = "postgresql+psycopg://nobody@127.0.0.1:1/unused"  # building an app connects to nothing
    apps = {
        "registry": create_registry_app(settings.registry(url, bus)),
        "messaging": create_messaging_app(settings.messaging(url, bus)),
        "consent": create_consent_app(settings.consent(url, bus)),
    }
    live = set().union(*(guarded_endpoints(name, app) for name, app in apps.items()))
    assert live - set(MATRIX) == set(), "endpoints missing from the scope matrix"
    assert set(MATRIX) - live == set(), "the matrix lists endpoints that no longer exist"


def test_every_allowed_role_has_an_expectation_for_each_of_its_callers() -> None:
    for key, case in MATRIX.items():
        allowed = {c for c, role in CALLER_ROLES.items() if role in case.roles}
        assert set(case.expect) == allowed, key


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("endpoint", list(MATRIX), ids=lambda k: f"{k[0]}:{k[1]}:{k[2]}")
def test_scope_matrix(
    endpoint: tuple[str, str, str], caller: str, request: pytest.FixtureRequest
) -> None:
    case = MATRIX[endpoint]
    world: World = request.getfixturevalue(f"{endpoint[0]}_world")
    call = case.call(world)
    response = world.service.client().open(
        call.path,
        method=call.method,
        json=call.json,
        query_string=call.query,
        headers=world.headers(caller),
    )
    expected = expected_status(case, caller)

    assert response.status_code == expected, response.get_data(as_text=True)
    if expected >= 400:
        assert response.mimetype == PROBLEM_JSON
        problem = response.get_json(force=True)
        assert problem["status"] == expected
        assert problem["title"] and problem["type"].startswith("https://")
    else:
        assert response.mimetype == "application/json"
    if expected == 401:
        assert response.headers["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize(
    ("world_name", "path"),
    [("registry_world", "/participants/{id}"), ("messaging_world", "/participants/{id}/messages")],
)
def test_another_practices_participant_looks_exactly_like_one_that_does_not_exist(
    world_name: str, path: str, request: pytest.FixtureRequest
) -> None:
    world: World = request.getfixturevalue(world_name)
    client, headers = world.service.client(), world.headers("staff_b")
    answers = []
    for participant_id in (world.participant_a, uuid.uuid4()):
        response = client.get(path.format(id=participant_id), headers=headers)
        assert response.status_code == 404
        problem = response.get_json(force=True)
        problem["detail"] = problem["detail"].replace(str(participant_id), "<id>")
        answers.append(problem)
    theirs, nobodys = answers
    assert theirs == nobodys


def test_staff_see_only_their_own_practices(registry_world: World) -> None:
    client = registry_world.service.client()
    listed = client.get("/practices", headers=registry_world.headers("staff_b")).get_json()
    assert [p["ods_code"] for p in listed] == ["M85002"]


def test_staff_listing_all_participants_see_only_their_own_practices(
    registry_world: World,
) -> None:
    client = registry_world.service.client()
    response = client.get(
        "/participants", query_string={"limit": 500}, headers=registry_world.headers("staff_b")
    )
    items = response.get_json()["items"]
    assert items, "practice B has a participant"
    assert {item["practice_ods"] for item in items} == {"M85002"}
    assert str(registry_world.participant_a) not in {item["id"] for item in items}


def test_coordinators_see_only_their_own_trials(registry_world: World) -> None:
    client = registry_world.service.client()
    listed = client.get("/trials", headers=registry_world.headers("coordinator_y")).get_json()
    assert [t["id"] for t in listed] == [str(registry_world.trial_y)]


def test_a_coordinator_of_one_trial_cannot_read_another_trials_record(consent_world: World) -> None:
    client = consent_world.service.client()
    own = client.get(
        f"/trials/{consent_world.trial_y}/consent-records/{consent_world.participant_b}",
        headers=consent_world.headers("coordinator_y"),
    )
    other = client.get(
        f"/trials/{consent_world.trial_x}/consent-records/{consent_world.participant_a}",
        headers=consent_world.headers("coordinator_y"),
    )
    assert own.status_code == 200
    assert own.get_json()["participant"]["practice_ods"] == "M85002"
    assert other.status_code == 403
    assert str(consent_world.participant_a) not in other.get_data(as_text=True)


def test_whoami_tells_each_caller_its_own_role_and_scopes(registry_world: World) -> None:
    client = registry_world.service.client()
    staff = client.get("/whoami", headers=registry_world.headers("staff_b")).get_json()
    assert (staff["role"], staff["practices"], staff["trials"]) == ("staff", ["M85002"], [])
    coordinator = client.get("/whoami", headers=registry_world.headers("coordinator_y")).get_json()
    assert (coordinator["role"], coordinator["trials"]) == (
        "coordinator",
        [str(registry_world.trial_y)],
    )

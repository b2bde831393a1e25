"""The registry's API on PostgreSQL: registering, validation, invitations, pages, the outbox."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from services.registry.adapters.orm import participants, trial_statuses
from services.registry.domain.eligibility import REASONS
from services.registry.service_layer import practices, statuses
from shared.events.contracts import CONTRACTS
from shared.http.problems import PROBLEM_JSON
from tests.integration.api.conftest import ODS_A, ODS_B, World, nhs_number, register, serial

# Declared in registry.trial.created for events written before messaging owned the window.
NOT_SENT = {"window_start", "window_end", "sending_days"}

pytestmark = pytest.mark.integration


@pytest.fixture
def staff(registry_world: World) -> FlaskClient:
    client = registry_world.service.client()
    client.environ_base["HTTP_AUTHORIZATION"] = registry_world.headers("staff_a")["Authorization"]
    return client


@pytest.fixture
def admin(registry_world: World) -> FlaskClient:
    client = registry_world.service.client()
    client.environ_base["HTTP_AUTHORIZATION"] = registry_world.headers("admin")["Authorization"]
    return client


def a_patient(**overrides: Any) -> dict[str, Any]:
    body = {
        "practice_ods": ODS_A,
        "nhs_number": nhs_number(),
        "given_name": "Imran",
        "family_name": "Hussain",
        "date_of_birth": "02/07/1961",
        "mobile": "07400 123499",
        "language": "ur",
        "sex": "male",
        "ethnic_category": "H",
        "imd_decile": 2,
        "imd_edition": 2019,
    }
    body.update(overrides)
    return body


def count_with_nhs_number(world: World, number: str) -> int:
    with world.service.runtime.engine.connect() as conn:
        query = select(func.count()).where(participants.c.nhs_number == number)
        return int(conn.execute(query).scalar_one())


def spaced(number: str) -> str:
    return f"{number[:3]} {number[3:6]} {number[6:]}"


def test_registering_twice_with_one_nhs_number_updates_the_first(
    staff: FlaskClient, admin: FlaskClient, registry_world: World
) -> None:
    body = a_patient()
    first = staff.post("/participants", json=body)
    assert first.status_code == 201, first.get_data(as_text=True)
    created = first.get_json()
    assert created["nhs_number"] == body["nhs_number"]
    assert (created["mobile"], created["textable"]) == ("+447400123499", True)
    assert created["date_of_birth"] == "1961-07-02"

    again = staff.post(
        "/participants",
        json={**body, "nhs_number": spaced(body["nhs_number"]), "mobile": "+44 7400 123498"},
    )
    assert again.status_code == 200, again.get_data(as_text=True)
    updated = again.get_json()
    assert updated["id"] == created["id"]
    assert updated["mobile"] == "+447400123498"
    assert count_with_nhs_number(registry_world, body["nhs_number"]) == 1

    read = staff.get(f"/participants/{created['id']}").get_json()
    assert read["mobile"] == "+447400123498"

    def kinds() -> list[str]:
        return [
            e.type
            for e in registry_world.service.outbox()
            if e.data.get("participant_id") == uuid.UUID(created["id"])
        ]

    # Nobody outside the registry hears of a patient until they are first invited.
    assert kinds() == []
    staff.post(
        f"/trials/{a_trial(admin)}/invitations",
        json={"practice_ods": ODS_A, "participant_ids": [created["id"]]},
    )
    staff.post("/participants", json={**body, "mobile": "+44 7400 123497"})
    assert kinds() == ["registry.participant.registered", "registry.participant.updated"]


@pytest.mark.parametrize(
    ("caller", "overrides", "field"),
    [
        ("staff", {"nhs_number": "943 476 5918"}, "nhs_number"),
        ("staff", {"nhs_number": "1111111111"}, "nhs_number"),
        ("staff", {"nhs_number": "12345"}, "nhs_number"),
        ("staff", {"mobile": "not a number"}, "mobile"),
        ("staff", {"mobile": "07400"}, "mobile"),
        ("staff", {"date_of_birth": "31/02/1980"}, "date_of_birth"),
        ("staff", {"date_of_birth": "2999-01-01"}, "date_of_birth"),
        ("staff", {"date_of_birth": "1850-01-01"}, "date_of_birth"),
        ("staff", {"practice_ods": "m85001"}, "practice_ods"),
        ("staff", {"practice_ods": "M8500"}, "practice_ods"),
        ("admin", {"practice_ods": "Z99999"}, "practice_ods"),
        ("staff", {"given_name": ""}, "given_name"),
        ("staff", {"imd_decile": 11}, "imd_decile"),
    ],
)
def test_a_bad_field_is_a_422_problem_naming_it(
    caller: str,
    overrides: dict[str, Any],
    field: str,
    request: pytest.FixtureRequest,
    registry_world: World,
) -> None:
    client: FlaskClient = request.getfixturevalue(caller)
    body = a_patient(**overrides)
    response = client.post("/participants", json=body)

    assert response.status_code == 422, response.get_data(as_text=True)
    assert response.mimetype == PROBLEM_JSON
    problem = response.get_json(force=True)
    assert (problem["status"], problem["title"]) == (422, "Invalid input")
    assert field in [e["field"] for e in problem["errors"]]
    assert all(e["reason"] for e in problem["errors"])
    assert field in problem["detail"]
    digits = body["nhs_number"].replace(" ", "")
    assert count_with_nhs_number(registry_world, digits) == 0


def test_every_field_that_is_wrong_is_listed(staff: FlaskClient) -> None:
    response = staff.post(
        "/participants", json={"practice_ods": "nope", "date_of_birth": "x", "sex": "robot"}
    )
    assert response.status_code == 422
    fields = {e["field"] for e in response.get_json(force=True)["errors"]}
    assert fields == {"practice_ods", "nhs_number", "given_name", "family_name", "sex"}


def a_trial(admin: FlaskClient) -> str:
    response = admin.post(
        "/trials", json={"short_name": f"INV-{serial()}", "title": "Heart", "sponsor": "Uni"}
    )
    assert response.status_code == 201
    return str(response.get_json()["id"])


def test_invitations_skip_whoever_cannot_be_invited_and_say_why(
    staff: FlaskClient, admin: FlaskClient, registry_world: World
) -> None:
    service = registry_world.service
    trial_id = a_trial(admin)
    ready = register(service, ODS_A)
    opted_out = register(service, ODS_A)
    statuses.record_opt_out(service.uow(), opted_out, opted_out=True)
    landline = register(service, ODS_A, mobile_number="0121 496 0000")
    no_phone = register(service, ODS_A, mobile_number="")
    elsewhere = register(service, ODS_B)
    invited_before = register(service, ODS_A)
    nobody = uuid.uuid4()
    first = staff.post(
        f"/trials/{trial_id}/invitations",
        json={"practice_ods": ODS_A, "participant_ids": [str(invited_before)]},
    )
    assert first.status_code == 202 and first.get_json()["invited"] == 1

    ids = [ready, opted_out, landline, no_phone, elsewhere, invited_before, nobody, ready]
    response = staff.post(
        f"/trials/{trial_id}/invitations",
        json={"practice_ods": ODS_A, "participant_ids": [str(i) for i in ids]},
    )

    assert response.status_code == 202, response.get_data(as_text=True)
    outcome = response.get_json()
    assert outcome["invited"] == 1
    assert outcome["skipped"] == {
        str(opted_out): REASONS["opted_out"],
        str(landline): REASONS["no_mobile"],
        str(no_phone): REASONS["no_mobile"],
        str(elsewhere): f"not a participant of practice {ODS_A}",
        str(invited_before): REASONS["already_in_trial"],
        str(nobody): f"not a participant of practice {ODS_A}",
    }
    requested = [
        e
        for e in service.outbox()
        if e.type == "registry.invitations.requested"
        and e.data["batch_id"] == uuid.UUID(outcome["batch_id"])
    ]
    assert [e.data["participant_ids"] for e in requested] == [[ready]]
    assert (requested[0].data["chunk"], requested[0].data["chunks"]) == (0, 1)
    with service.runtime.engine.connect() as conn:
        invited = conn.scalars(
            select(trial_statuses.c.participant_id).where(
                trial_statuses.c.trial_id == uuid.UUID(trial_id)
            )
        ).all()
    assert set(invited) == {ready, invited_before}


def test_inviting_nobody_who_can_be_invited_is_a_422(
    staff: FlaskClient, admin: FlaskClient, registry_world: World
) -> None:
    opted_out = register(registry_world.service, ODS_A)
    statuses.record_opt_out(registry_world.service.uow(), opted_out, opted_out=True)
    response = staff.post(
        f"/trials/{a_trial(admin)}/invitations",
        json={"practice_ods": ODS_A, "participant_ids": [str(opted_out)]},
    )
    assert response.status_code == 422
    assert response.get_json(force=True)["errors"][0]["field"] == "participant_ids"


def test_inviting_to_a_trial_that_does_not_exist_is_a_404(staff: FlaskClient) -> None:
    response = staff.post(
        f"/trials/{uuid.uuid4()}/invitations",
        json={"practice_ods": ODS_A, "participant_ids": [str(uuid.uuid4())]},
    )
    assert response.status_code == 404
    assert response.mimetype == PROBLEM_JSON


def test_pages_cover_every_participant_exactly_once(
    admin: FlaskClient, registry_world: World
) -> None:
    service = registry_world.service
    ods = f"P{serial():05d}"
    practices.create_practice(service.uow(), ods, "Paging practice")
    registered = {register(service, ods) for _ in range(23)}

    for limit in (1, 5, 23, 50):
        seen: list[str] = []
        cursor: str | None = None
        pages = 0
        while True:
            query: dict[str, Any] = {"practice_ods": ods, "limit": limit}
            if cursor:
                query["cursor"] = cursor
            page = admin.get("/participants", query_string=query)
            assert page.status_code == 200
            body = page.get_json()
            assert len(body["items"]) <= limit
            seen.extend(item["id"] for item in body["items"])
            pages += 1
            cursor = body["next_cursor"]
            if cursor is None:
                break
        assert len(seen) == len(set(seen)) == 23
        assert {uuid.UUID(s) for s in seen} == registered
        assert pages == -(-23 // limit)  # no empty page at the end


def test_all_pages_for_an_admin_cover_the_whole_table(
    admin: FlaskClient, registry_world: World
) -> None:
    seen: list[str] = []
    cursor: str | None = None
    while True:
        query: dict[str, Any] = {"limit": 7, **({"cursor": cursor} if cursor else {})}
        body = admin.get("/participants", query_string=query).get_json()
        seen.extend(item["id"] for item in body["items"])
        cursor = body["next_cursor"]
        if cursor is None:
            break
    with registry_world.service.runtime.engine.connect() as conn:
        every = {str(i) for i in conn.scalars(select(participants.c.id))}
    assert len(seen) == len(set(seen))
    assert set(seen) == every


def test_a_bad_cursor_is_a_422(admin: FlaskClient) -> None:
    response = admin.get("/participants", query_string={"cursor": "not-a-uuid"})
    assert response.status_code == 422
    assert response.get_json(force=True)["errors"][0] == {
        "field": "cursor",
        "reason": "Cursor must be an id like 3f0c8a52-6a4e-4a8e-9b1d-2f6f0e8d1c7a",
        "in": "query",
    }


def test_the_outbox_holds_events_that_match_their_contracts_and_name_nobody(
    staff: FlaskClient, admin: FlaskClient, registry_world: World
) -> None:
    body = a_patient(given_name="Zainab", family_name="Qureshi", date_of_birth="1958-12-25")
    created = staff.post("/participants", json=body).get_json()
    trial_id = a_trial(admin)
    staff.post(
        f"/trials/{trial_id}/invitations",
        json={"practice_ods": ODS_A, "participant_ids": [created["id"]]},
    )
    staff.post("/participants", json={**body, "language": "pa"})

    service = registry_world.service
    events = service.outbox()
    by_type: dict[str, list[Any]] = {}
    for event in events:
        by_type.setdefault(event.type, []).append(event)
        assert event.producer == "registry"
        assert event.correlation_id
    for kind in (
        "registry.participant.registered",
        "registry.participant.updated",
        "registry.trial.created",
        "registry.invitations.requested",
    ):
        assert by_type.get(kind), f"no {kind} in the outbox"
        contract = CONTRACTS[kind]
        for event in by_type[kind]:
            assert set(event.data) == set(contract.fields) - NOT_SENT, kind
            assert contract.validate(contract.dump(event.data)) == {}

    mine = [
        e
        for e in events
        if e.data.get("participant_id") == uuid.UUID(created["id"])
        or uuid.UUID(created["id"]) in e.data.get("participant_ids", [])
    ]
    assert [e.type for e in mine] == [
        "registry.participant.registered",
        "registry.invitations.requested",
        "registry.participant.updated",
    ]
    mine = [e for e in mine if e.type != "registry.invitations.requested"]
    assert mine[1].data["language"] == "pa"
    assert mine[0].data["mobile"] == "+447400123499"
    assert mine[0].data["age_band"] == "60-69"
    for payload in service.outbox_payloads():
        for secret in (body["nhs_number"], "Zainab", "Qureshi", "1958-12-25", "25/12/1958"):
            assert secret not in payload
    for payload in service.outbox_payloads():
        for key in ("nhs_number", "given_name", "family_name", "date_of_birth"):
            assert f'"{key}"' not in payload


def test_an_admin_issues_lists_and_revokes_a_token_whose_hash_never_leaves(
    registry_world: World,
) -> None:
    client, admin = registry_world.service.client(), registry_world.headers("admin")
    issued = client.post(
        "/tokens",
        json={"name": "Dr Khan", "role": "staff", "practices": ["M85001"]},
        headers=admin,
    )
    assert issued.status_code == 201
    body = issued.get_json()
    assert body["token"].startswith("trt_")
    assert (
        client.get("/whoami", headers={"Authorization": f"Bearer {body['token']}"}).status_code
        == 200
    )

    listed = client.get("/tokens", headers=admin).get_json()
    mine = next(t for t in listed if t["id"] == body["id"])
    assert mine["practices"] == ["M85001"] and mine["revoked_at"] is None
    assert all("token" not in t and "token_hash" not in t for t in listed)

    revoked = client.delete(f"/tokens/{body['id']}", headers=admin)
    assert revoked.status_code == 200 and revoked.get_json()["revoked_at"]
    again = client.delete(f"/tokens/{body['id']}", headers=admin)
    assert again.status_code == 200 and again.get_json() == revoked.get_json()
    said = [
        e
        for e in registry_world.service.outbox()
        if e.type == "registry.token.revoked" and e.data["token_id"] == uuid.UUID(body["id"])
    ]
    assert len(said) == 1  # the second revoke publishes nothing
    assert (
        client.get("/whoami", headers={"Authorization": f"Bearer {body['token']}"}).status_code
        == 401
    )


def test_a_staff_token_without_a_practice_is_refused_naming_the_field(
    registry_world: World,
) -> None:
    response = registry_world.service.client().post(
        "/tokens", json={"name": "x", "role": "staff"}, headers=registry_world.headers("admin")
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.get_json()["errors"]] == ["practices"]


def test_revoking_an_unknown_token_is_not_found(registry_world: World) -> None:
    response = registry_world.service.client().delete(
        f"/tokens/{uuid.uuid4()}", headers=registry_world.headers("admin")
    )
    assert response.status_code == 404


def test_a_patient_registered_with_a_stopped_number_is_not_textable_and_told_why(
    staff: FlaskClient, registry_world: World
) -> None:
    """A STOP belongs to the number: practice B's patient replied STOP; practice A registers
    someone with that mobile. Only a START from the number lifts it, for both."""
    number = f"+4474{serial():08d}"
    patient_b = register(registry_world.service, ODS_B, number)
    statuses.record_opt_out(registry_world.service.uow(), patient_b, opted_out=True)

    response = staff.post("/participants", json=a_patient(mobile=number))

    assert response.status_code == 201
    decoy = response.get_json()
    assert decoy["opted_out"] is True and "STOP" in decoy["texts"]
    read = staff.get(f"/participants/{decoy['id']}").get_json()
    assert read["opted_out"] is True

    statuses.record_opt_out(registry_world.service.uow(), patient_b, opted_out=False)  # START
    assert staff.get(f"/participants/{decoy['id']}").get_json()["opted_out"] is False

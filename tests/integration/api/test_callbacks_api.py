"""Callback tasks through messaging's HTTP API on PostgreSQL: a CALL ME reply opens one,
staff list, assign and close it, coordinators read theirs, waiting times (decision 28)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from services.messaging.service_layer import callbacks, contacts
from tests.integration.api.conftest import ODS_A, ODS_B, World, mobile
from tests.integration.api.test_messaging_batches import call
from tests.integration.api.test_replies_and_stop import a_patient, invite
from tests.integration.api.test_webhooks import text_from

pytestmark = pytest.mark.integration


def tasks_of(world: World, caller: str, **query: str) -> list[dict[str, Any]]:
    response = world.service.client().get(
        "/callbacks", query_string=query, headers=world.headers(caller)
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    found: list[dict[str, Any]] = response.get_json()
    return found


def a_call_me(world: World, language: str = "en", practice: str = ODS_A) -> tuple[uuid.UUID, str]:
    number = mobile()
    patient = a_patient(world, practice, number, language)
    invite(world, patient, practice)
    text_from(world.service, number, "please phone me")
    return patient, number


def test_a_reply_asking_for_a_call_opens_one_task_and_another_joins_it(
    messaging_world: World,
) -> None:
    patient, number = a_call_me(messaging_world, "syl")
    text_from(messaging_world.service, number, "CALL")

    [task] = [
        t for t in tasks_of(messaging_world, "staff_a") if t["participant_id"] == str(patient)
    ]

    assert (task["language"], task["interpreter_needed"]) == ("syl", True)
    assert (task["requests"], task["sources"], task["state"]) == (2, ["sms"], "unassigned")
    assert task["trial_id"] == str(messaging_world.trial_x) and task["trial_short_name"] == "T1"
    shown = call(messaging_world, "staff_a", "GET", f"/callbacks/{task['id']}").get_json()
    bodies = [t["body"] for t in shown["conversation"]]
    assert bodies[-2:] == ["please phone me", "CALL"] and shown["conversation"][0]["kind"] == (
        "invitation"
    )


def test_the_list_is_oldest_first_and_filters_by_state_and_practice(
    messaging_world: World,
) -> None:
    first, _ = a_call_me(messaging_world)
    second, _ = a_call_me(messaging_world)
    ours = [t["participant_id"] for t in tasks_of(messaging_world, "staff_a")]
    assert ours.index(str(first)) < ours.index(str(second))
    [task] = [t for t in tasks_of(messaging_world, "staff_a") if t["participant_id"] == str(first)]

    call(messaging_world, "staff_a", "POST", f"/callbacks/{task['id']}/assign", {})
    assigned = {t["id"] for t in tasks_of(messaging_world, "staff_a", state="assigned")}
    unassigned = {t["id"] for t in tasks_of(messaging_world, "staff_a", state="unassigned")}
    assert task["id"] in assigned and task["id"] not in unassigned

    refused = messaging_world.service.client().get(
        "/callbacks",
        query_string={"practice_ods": ODS_B},
        headers=messaging_world.headers("staff_a"),
    )
    assert refused.status_code == 403
    bad = messaging_world.service.client().get(
        "/callbacks", query_string={"state": "lost"}, headers=messaging_world.headers("staff_a")
    )
    assert bad.status_code == 422
    assert bad.content_type == "application/problem+json"
    assert [e["field"] for e in bad.get_json()["errors"]] == ["state"]


def test_staff_assign_to_a_colleague_and_close_with_an_outcome(messaging_world: World) -> None:
    patient, _ = a_call_me(messaging_world, "ur")
    [task] = [
        t for t in tasks_of(messaging_world, "staff_a") if t["participant_id"] == str(patient)
    ]
    path = f"/callbacks/{task['id']}"

    other = call(messaging_world, "staff_b", "POST", f"{path}/assign", {"assign_to": "Bea"})
    assert other.status_code == 404
    given = call(messaging_world, "staff_a", "POST", f"{path}/assign", {"assign_to": "Ayesha Khan"})
    assert given.get_json()["assigned_to"] == "Ayesha Khan"
    wrong = call(messaging_world, "staff_a", "POST", f"{path}/close", {"outcome": "maybe"})
    assert wrong.status_code == 422 and wrong.get_json()["errors"][0]["field"] == "outcome"
    closed = call(
        messaging_world,
        "staff_a",
        "POST",
        f"{path}/close",
        {"outcome": "reached_interested", "note": "wants the form read in Urdu"},
    )
    assert closed.status_code == 200
    assert (closed.get_json()["state"], closed.get_json()["outcome"]) == (
        "closed",
        "reached_interested",
    )
    again = call(messaging_world, "staff_a", "POST", f"{path}/close", {"outcome": "declined"})
    assert again.status_code == 409
    assert task["id"] not in {t["id"] for t in tasks_of(messaging_world, "staff_a")}
    closed_ones = {t["id"] for t in tasks_of(messaging_world, "staff_a", state="closed")}
    assert task["id"] in closed_ones
    kinds = [
        e.type
        for e in messaging_world.service.outbox()
        if e.data.get("task_id") == uuid.UUID(task["id"])
    ]
    assert kinds == [
        "messaging.callback.opened",
        "messaging.callback.assigned",
        "messaging.callback.closed",
    ]


def test_a_coordinator_reads_their_trials_tasks_and_closes_a_call_assigned_to_them(
    messaging_world: World,
) -> None:
    patient, _ = a_call_me(messaging_world)
    [task] = [
        t for t in tasks_of(messaging_world, "staff_a") if t["participant_id"] == str(patient)
    ]
    path = f"/callbacks/{task['id']}"
    assert task["id"] in {t["id"] for t in tasks_of(messaging_world, "coordinator_x")}
    assert task["id"] not in {t["id"] for t in tasks_of(messaging_world, "coordinator_y")}
    assert call(messaging_world, "coordinator_y", "GET", path).status_code == 404
    assert call(messaging_world, "coordinator_x", "POST", f"{path}/assign", {}).status_code == 403
    body = {"outcome": "consented_by_phone"}
    assert call(messaging_world, "coordinator_x", "POST", f"{path}/close", body).status_code == 403

    name = call(messaging_world, "coordinator_x", "GET", "/whoami").get_json()["name"]
    call(messaging_world, "staff_a", "POST", f"{path}/assign", {"assign_to": name})
    closed = call(messaging_world, "coordinator_x", "POST", f"{path}/close", body)
    assert closed.status_code == 200 and closed.get_json()["closed_by"] == name


def test_waiting_gives_the_median_and_longest_wait_of_callbacks_closed_in_a_period(
    messaging_world: World,
) -> None:
    # A practice of its own would need new tokens: trial Y keeps these apart instead.
    service, trial = messaging_world.service, messaging_world.trial_y
    opened = datetime.now(UTC) - timedelta(days=2)
    for hours in (1, 2, 6):
        patient = a_patient(messaging_world, ODS_A, mobile())
        with service.uow() as uow:
            contact = uow.contacts.contact(patient)
            assert contact is not None
            task = callbacks.request_call(uow, contact, trial, "voice")
            task.opened_at = opened
            task.close("no_answer", by="Sam", at=opened + timedelta(hours=hours))
            uow.commit()
    query = {
        "since": (opened - timedelta(minutes=1)).isoformat(),
        "until": datetime.now(UTC).isoformat(),
        "trial_id": str(trial),
    }
    response = service.client().get(
        "/callbacks/waiting", query_string=query, headers=messaging_world.headers("staff_a")
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["closed"] == 3
    assert (response.get_json()["median_seconds"], response.get_json()["longest_seconds"]) == (
        2 * 3600,
        6 * 3600,
    )
    backwards = {**query, "until": query["since"]}
    refused = service.client().get(
        "/callbacks/waiting", query_string=backwards, headers=messaging_world.headers("staff_a")
    )
    assert refused.status_code == 422


def test_an_erased_patients_open_callback_goes(messaging_world: World) -> None:
    patient, _ = a_call_me(messaging_world)
    assert str(patient) in {t["participant_id"] for t in tasks_of(messaging_world, "staff_a")}

    contacts.erase_contact(messaging_world.service.uow(), patient)

    assert str(patient) not in {t["participant_id"] for t in tasks_of(messaging_world, "staff_a")}

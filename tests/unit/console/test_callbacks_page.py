"""The Callbacks pages over fake services: oldest first with waiting time, language and
interpreter, assign, record the outcome, how long patients waited; coordinators see no
names and record only calls assigned to them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask.testing import FlaskClient

from services.console.domain.callbacks import row, waited
from shared.web import csrf
from tests.support.console_fakes import FakeServices, console_over, csrf_field, signed_in_as

PATIENT_ID = "7d3c8a1e-0b7f-4a43-9c57-1d2f3e4a5b6c"
TASK_ID = "c0ffee00-e5f6-4a7b-8c9d-0e1f2a3b4c5d"
TASK: dict[str, Any] = {
    "id": TASK_ID,
    "participant_id": PATIENT_ID,
    "practice_ods": "M85001",
    "trial_id": "11111111-2222-4333-8444-555555555555",
    "trial_short_name": "AF-SCREEN",
    "language": "syl",
    "interpreter_needed": True,
    "sources": ["voice", "consent_page"],
    "requests": 2,
    "request_note": "Mornings",
    "state": "unassigned",
    "opened_at": "2026-07-01T08:00:00Z",
    "last_requested_at": "2026-07-01T09:00:00Z",
    "waited_seconds": 2 * 86400 + 3 * 3600,
    "assigned_to": None,
    "assigned_by": None,
    "assigned_at": None,
    "outcome": None,
    "outcome_note": None,
    "closed_by": None,
    "closed_at": None,
}
PATIENT = {
    "id": PATIENT_ID,
    "given_name": "Rahima",
    "family_name": "Begum",
    "nhs_number": "4010232137",
}


@pytest.fixture
def services() -> FakeServices:
    fake = FakeServices()
    fake.routes[("GET", "/callbacks")] = lambda q: (200, [TASK])
    fake.routes[("GET", "/callbacks/waiting")] = lambda q: (
        200,
        {
            "since": q["since"],
            "until": q["until"],
            "closed": 4,
            "median_seconds": 5400,
            "longest_seconds": 3 * 86400,
        },
    )
    detail = {
        **TASK,
        "conversation": [
            {
                "direction": "out",
                "kind": "invitation",
                "body": "You are invited",
                "status": "delivered",
                "at": "2026-07-01T07:00:00Z",
            },
            {
                "direction": "in",
                "kind": "reply",
                "body": "call me",
                "intent": "callback",
                "at": "2026-07-01T08:00:00Z",
            },
        ],
    }
    fake.routes[("GET", f"/callbacks/{TASK_ID}")] = lambda q: (200, detail)
    fake.routes[("GET", f"/participants/{PATIENT_ID}")] = lambda q: (200, PATIENT)
    fake.routes[("POST", f"/callbacks/{TASK_ID}/assign")] = lambda b: (
        200,
        {**TASK, "assigned_to": b["assign_to"] or "Sam", "state": "assigned"},
    )
    fake.routes[("POST", f"/callbacks/{TASK_ID}/close")] = lambda b: (
        200,
        {**TASK, "state": "closed"},
    )
    return fake


@pytest.fixture
def client(services: FakeServices) -> Iterator[FlaskClient]:
    with console_over(services).test_client() as test_client:
        yield test_client


def posts(services: FakeServices) -> list[tuple[str, Any]]:
    return [(path, body) for method, path, body in services.sent if method == "POST"]


def test_the_list_shows_who_waits_how_long_in_which_language_and_the_interpreter_flag(
    client: FlaskClient, services: FakeServices
) -> None:
    page = signed_in_as(client, "staff").get("/callbacks").get_data(True)

    assert "Rahima Begum" in page and "401 023 2137" in page and "AF-SCREEN" in page
    assert "Sylheti" in page and "Interpreter needed" in page
    assert "2 days 3 hours" in page and "1 Jul 2026, 09:00" in page  # UK summer time
    assert "Pressed 4 on a call, Consent page button (2 requests)" in page
    assert "Assign to me" in page
    # The summary of the last 30 days: median and longest.
    assert "1 hour 30 minutes" in page and "3 days" in page
    [(_, _, waiting)] = [s for s in services.sent if s[1] == "/callbacks/waiting"]
    assert set(waiting) == {"since", "until"}


def test_the_state_filter_and_the_period_are_passed_on(
    client: FlaskClient, services: FakeServices
) -> None:
    signed_in_as(client, "staff").get("/callbacks?state=assigned&days=7")
    [(_, _, listed)] = [s for s in services.sent if s[1] == "/callbacks"]
    assert listed == {"state": "assigned"}


def test_assign_to_me_from_the_list_comes_back_to_the_list(
    client: FlaskClient, services: FakeServices
) -> None:
    response = signed_in_as(client, "staff").post(
        f"/callbacks/{TASK_ID}/assign",
        data={"to": "me", "back": "list", csrf.FIELD: csrf_field(client)},
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("/callbacks")
    assert posts(services) == [(f"/callbacks/{TASK_ID}/assign", {"assign_to": None})]


def test_assign_to_a_colleague_needs_their_name(
    client: FlaskClient, services: FakeServices
) -> None:
    signed_in_as(client, "staff")
    empty = client.post(
        f"/callbacks/{TASK_ID}/assign", data={"assign_to": " ", csrf.FIELD: csrf_field(client)}
    )
    assert empty.status_code == 422 and "Enter a colleague&#39;s name" in empty.get_data(True)
    assert posts(services) == []

    named = client.post(
        f"/callbacks/{TASK_ID}/assign",
        data={"assign_to": "Ayesha Khan", csrf.FIELD: csrf_field(client)},
    )
    assert named.status_code == 302
    assert posts(services) == [(f"/callbacks/{TASK_ID}/assign", {"assign_to": "Ayesha Khan"})]


def test_the_task_page_shows_the_conversation_and_records_the_outcome(
    client: FlaskClient, services: FakeServices
) -> None:
    page = signed_in_as(client, "staff").get(f"/callbacks/{TASK_ID}").get_data(True)
    assert "You are invited" in page and "call me" in page and "Mornings" in page
    assert "Consented by phone" in page and "Wrong number" in page

    missing = client.post(f"/callbacks/{TASK_ID}/close", data={csrf.FIELD: csrf_field(client)})
    assert missing.status_code == 422 and "Choose the outcome of the call" in missing.get_data(True)
    done = client.post(
        f"/callbacks/{TASK_ID}/close",
        data={"outcome": "no_answer", "note": " try Friday ", csrf.FIELD: csrf_field(client)},
    )
    assert done.status_code == 302
    assert posts(services) == [
        (f"/callbacks/{TASK_ID}/close", {"outcome": "no_answer", "note": "try Friday"})
    ]


def test_a_refused_outcome_is_shown_beside_its_field(
    client: FlaskClient, services: FakeServices
) -> None:
    services.routes[("POST", f"/callbacks/{TASK_ID}/close")] = lambda b: (
        422,
        {
            "title": "Invalid input",
            "status": 422,
            "errors": [{"field": "note", "reason": "Note must be 500 characters or fewer"}],
        },
    )
    signed_in_as(client, "staff")
    page = client.post(
        f"/callbacks/{TASK_ID}/close",
        data={"outcome": "declined", "note": "x", csrf.FIELD: csrf_field(client)},
    )
    assert page.status_code == 422 and "Note must be 500 characters or fewer" in page.get_data(True)


def test_a_coordinator_sees_no_names_cannot_assign_and_closes_only_their_own_call(
    client: FlaskClient, services: FakeServices
) -> None:
    page = signed_in_as(client, "coordinator", practices=()).get("/callbacks").get_data(True)
    assert "Rahima" not in page and "Patient at M85001" in page and "Assign to me" not in page
    assert not [s for s in services.sent if s[1].startswith("/participants/")]

    task_page = client.get(f"/callbacks/{TASK_ID}").get_data(True)
    assert "Record the outcome" not in task_page and "Assign to me" not in task_page
    services.routes[("GET", f"/callbacks/{TASK_ID}")] = lambda q: (
        200,
        {**TASK, "assigned_to": "Sam", "conversation": []},
    )
    assert "Record the outcome" in client.get(f"/callbacks/{TASK_ID}").get_data(True)


def test_a_wait_reads_in_words() -> None:
    assert waited(None) == "None closed"
    assert waited(20) == "Under a minute"
    assert waited(61) == "1 minute"
    assert waited(3600 + 120) == "1 hour 2 minutes"
    assert waited(86400) == "1 day"
    assert row(TASK, None).patient_name is None


def test_consented_by_phone_links_the_research_team_to_their_phone_consent_page(
    services: FakeServices,
) -> None:
    app = console_over(services)
    with app.test_client() as staff:
        page = signed_in_as(staff, "staff").get(f"/callbacks/{TASK_ID}").get_data(True)
    assert "phone-consent" not in page  # staff do not take consent

    with app.test_client() as researcher:
        page = signed_in_as(researcher, "researcher").get(f"/callbacks/{TASK_ID}").get_data(True)
    assert (
        f"/research/trials/{TASK['trial_id']}/phone-consent?"
        f"participant={TASK['participant_id']}&amp;language=syl"
    ) in page

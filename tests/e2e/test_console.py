"""The staff and coordinator console in Chromium, over the real services."""

from __future__ import annotations

import socket
import time
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests

from services.console.domain.navigation import sections_for
from tests.e2e.conftest import System
from tests.e2e.console_pages import nav, shot, sign_in
from tests.support.api import ApiClient, eventually

pytestmark = pytest.mark.e2e
PRACTICE = "M85009"


@pytest.fixture(scope="module")
def world(system: System) -> dict[str, Any]:
    admin_token = system.token("--name", "Admin", "--role", "admin")
    admin = ApiClient(system.urls["registry"], admin_token)
    admin.post("/practices", {"ods_code": PRACTICE, "name": "Console Test Surgery"})
    trial = admin.post("/trials", {"short_name": "CONSOLE", "title": "A study", "sponsor": "S"})
    staff_token = system.token("--name", "Sam Staff", "--role", "staff", "--practice", PRACTICE)
    coordinator_token = system.token(
        "--name", "Cora Coordinator", "--role", "coordinator", "--trial", trial["id"]
    )
    staff = ApiClient(system.urls["registry"], staff_token)
    patient = staff.post(
        "/participants",
        {
            "practice_ods": PRACTICE,
            "nhs_number": "401 023 2137",
            "given_name": "Nasreen",
            "family_name": "Akhtar",
            "date_of_birth": "1958-11-02",
            "mobile": "07400 123777",
            "language": "ur",
        },
    )
    requested = staff.post(
        f"/trials/{trial['id']}/invitations",
        {"practice_ods": PRACTICE, "participant_ids": [patient["id"]]},
        expect=202,
    )
    system.send_batch(admin_token, requested["batch_id"])
    consent = ApiClient(system.urls["consent"], coordinator_token)
    eventually(
        lambda: (
            consent.session.get(
                f"{system.urls['consent']}/trials/{trial['id']}/consent-records/CONSOLE-000001",
                timeout=5,
            ).status_code
            == 200
        ),
        what="the token and the invitation to reach consent",
    )
    return {
        "trial": trial,
        "patient": patient,
        "staff": staff_token,
        "coordinator": coordinator_token,
    }


def test_staff_sign_in_and_see_their_patients_status(
    system: System, world: dict[str, Any], page: Any, request: pytest.FixtureRequest
) -> None:
    sign_in(page, system, world["staff"])
    page.get_by_text("Signed in as Sam Staff").wait_for()
    page.get_by_role("link", name="Patients").first.click()
    page.get_by_role("heading", name=f"Patients at {PRACTICE}").wait_for()
    shot(page, request, "patients")
    page.get_by_role("link", name="Akhtar, Nasreen").click()
    page.get_by_text("401 023 2137").or_(page.get_by_text("4010232137")).wait_for()
    assert page.get_by_role("cell", name="invited").is_visible()
    # Only the practice sees which study number is this patient.
    assert page.get_by_test_id("consent").get_by_role("cell", name="CONSOLE-000001").is_visible()


def test_a_coordinator_follows_a_pseudonym_to_its_verified_history(
    system: System, world: dict[str, Any], page: Any, request: pytest.FixtureRequest
) -> None:
    sign_in(page, system, world["coordinator"])
    page.get_by_role("link", name="Trials").first.click()
    page.get_by_role("link", name="CONSOLE", exact=True).click()
    page.get_by_role("heading", name="Consent status").wait_for()
    shot(page, request, "trial")
    page.get_by_role("link", name="CONSOLE-000001").click()  # the study number
    page.get_by_text("The audit trail is intact").wait_for()
    assert page.get_by_role("cell", name="new → invited").is_visible()
    # Coordinators see pseudonyms and bands, never who the patient is.
    content = page.content()
    assert "Akhtar" not in content and world["patient"]["id"] not in content
    assert "7400123777" not in content and "4010232137" not in content
    shot(page, request, "record")


@pytest.mark.parametrize(
    ("who", "path"),
    [("staff", "/trials"), ("coordinator", "/practice/patients")],
)
def test_each_role_is_refused_the_others_pages_with_a_next_step(
    system: System, world: dict[str, Any], page: Any, who: str, path: str
) -> None:
    sign_in(page, system, world[who])
    page.get_by_text("Signed in as").wait_for()
    response = page.goto(f"{system.urls['console']}{path}")
    assert response.status == 403
    page.get_by_text("What to do next").wait_for()


def section_links(page: Any) -> dict[str, str]:
    """The sections the start page offers: title -> path."""
    found = page.eval_on_selector_all(
        "a.nhsuk-card__link", "links => links.map(a => [a.textContent.trim(), a.pathname])"
    )
    return dict(found)


def test_the_role_matrix_through_the_pages(
    system: System, world: dict[str, Any], page: Any
) -> None:
    """Every section for every role: offered and opened where the role has it, 403 where
    not, and nothing at all without a session."""
    tokens = {**world, "admin": system.token("--name", "Matrix Admin", "--role", "admin")}
    sign_in(page, system, tokens["admin"])
    page.get_by_text("Signed in as").wait_for()
    every = section_links(page)
    assert set(every) == {s.title for s in sections_for("admin")}
    page.get_by_role("button", name="Sign out").click()

    console = system.urls["console"]
    for path in every.values():
        anonymous = requests.get(f"{console}{path}", allow_redirects=False, timeout=5)
        assert anonymous.status_code == 302, path
    for role in ("staff", "coordinator", "admin"):
        sign_in(page, system, tokens[role])
        page.get_by_text("Signed in as").wait_for()
        mine = {s.title for s in sections_for(role)}
        assert set(section_links(page)) == mine, role
        for title, path in every.items():
            status = page.request.get(f"{console}{path}").status
            assert status == (200 if title in mine else 403), (role, title, status)
        page.get_by_role("button", name="Sign out").click()
        page.get_by_text("You have signed out").wait_for()


def test_a_wrong_token_is_refused_with_what_to_do(system: System, page: Any) -> None:
    sign_in(page, system, "trt_not-a-real-token")
    page.get_by_text("This token is not recognised").wait_for()
    assert page.url.endswith("/sign-in")


def test_pages_need_a_session_and_forms_need_their_csrf_token(
    system: System, world: dict[str, Any]
) -> None:
    console = system.urls["console"]
    anonymous = requests.get(f"{console}/trials", allow_redirects=False, timeout=5)
    assert anonymous.status_code == 302
    assert anonymous.headers["Location"].startswith("/sign-in")

    forged = requests.post(
        f"{console}/sign-in", data={"token": world["staff"]}, allow_redirects=False, timeout=5
    )
    assert forged.status_code == 403
    assert "session" not in forged.headers.get("Set-Cookie", "")


def test_sign_in_never_redirects_to_another_site(
    system: System, world: dict[str, Any], page: Any
) -> None:
    page.goto(f"{system.urls['console']}/sign-in?next=//evil.example/steal")
    page.get_by_label("Access token").fill(world["staff"])
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("Signed in as Sam Staff").wait_for()
    assert page.url.startswith(system.urls["console"])


def test_signing_out_ends_the_session(system: System, world: dict[str, Any], page: Any) -> None:
    sign_in(page, system, world["staff"])
    page.get_by_role("button", name="Sign out").click()
    page.get_by_text("You have signed out").wait_for()
    page.goto(f"{system.urls['console']}/practice/patients")
    assert "/sign-in" in page.url


def test_an_admin_adds_a_practice_and_issues_then_revokes_a_token(
    system: System, page: Any, request: pytest.FixtureRequest
) -> None:
    sign_in(page, system, system.token("--name", "Ada Admin", "--role", "admin"))
    page.get_by_text("Signed in as Ada Admin").wait_for()
    nav(page, "Practices")
    page.get_by_label("ODS code").fill("M8500")
    page.get_by_label("Name").fill("Too Short Surgery")
    page.get_by_role("button", name="Add practice").click()
    page.get_by_role("alert").get_by_text("Ods code").wait_for()
    page.get_by_label("ODS code").fill("M85010")
    page.get_by_role("button", name="Add practice").click()
    page.get_by_text("Practice M85010 added").wait_for()

    nav(page, "Access tokens")
    page.get_by_label("Who will hold it").fill("New Receptionist")
    page.get_by_label("Practice staff").check()
    page.get_by_label("Practices (staff)").fill("M85010")
    page.get_by_role("button", name="Issue token").click()
    new_token = page.locator("#issued-token").inner_text()
    assert new_token.startswith("trt_")
    shot(page, request, "token-issued")
    page.reload()
    assert new_token not in page.content(), "a token is shown once only"

    page.get_by_role("button", name="Revoke the token of New Receptionist").click()
    page.get_by_text("Token of New Receptionist revoked").wait_for()
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, system, new_token)
    page.get_by_text("This token is not recognised").wait_for()


def test_pages_answer_promptly_while_the_browser_keeps_connections_idle(
    system: System, world: dict[str, Any], browser: Any, page: Any
) -> None:
    """Issue 14, item 5: idle sockets (Chromium preconnects) held every gunicorn thread and
    the next page waited 5 s. Each page here opens in a new browser context (new
    connections) while six other connections sit idle, as a browser's spares do."""
    console = system.urls["console"]
    host, port = urlsplit(console).hostname, urlsplit(console).port
    sign_in(page, system, world["staff"])
    page.get_by_text("Signed in as Sam Staff").wait_for()
    cookies = page.context.cookies()
    paths = page.eval_on_selector_all(
        "a.nhsuk-header__navigation-link[href]", "links => links.map(a => a.getAttribute('href'))"
    )
    assert len(paths) >= 2
    blocked: list[str] = []
    times: list[tuple[str, float]] = []
    for path in [*paths, *paths]:
        idle = [socket.create_connection((host, port)) for _ in range(6)]
        context = browser.new_context()
        try:
            context.add_cookies(cookies)
            tab = context.new_page()
            tab.on(
                "console", lambda m: blocked.append(m.text) if "Content Security" in m.text else 0
            )
            started = time.perf_counter()
            tab.goto(f"{console}{path}", wait_until="load")
            times.append((path, round(time.perf_counter() - started, 2)))
            assert "/sign-in" not in tab.url
            # The layout's inline script ran under the CSP (its nonce), and so did initAll.
            assert tab.evaluate("document.body.classList.contains('js-enabled')")
        finally:
            context.close()
            for sock in idle:
                sock.close()
    # A stall is 5 s or more (gunicorn's wait for a new connection's first bytes); a page on
    # this shared machine may take a few seconds under load without stalling.
    assert max(seconds for _, seconds in times) < 4.5, times
    assert sorted(set(blocked)) == []

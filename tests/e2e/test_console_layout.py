"""Every page the layout review named, in Chromium at a phone's width (390 px) and a desktop's
(1280 px), filled with the longest things real data holds (file names, tokens, ethnic
categories, every consent status): no page scrolls sideways, and each table's last column is
in view (desktop) or reachable in the table's own scrolling region (phone). The console runs
as it is, over fake services, so this takes seconds; the staff and coordinator days check the
same over the real system."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from werkzeug.serving import make_server

from tests.e2e.console_pages import laid_out_at
from tests.support.console_fakes import FakeServices, console_over
from tests.support.processes import free_port

pytestmark = pytest.mark.e2e
PRACTICE = "M85021"
TRIAL = str(uuid.UUID(int=1))
PATIENT = str(uuid.UUID(int=2))
STUDY_NUMBER = "DEMO-AF-000123"
JOB = str(uuid.UUID(int=3))
WHEN = "2026-12-06T14:05:31.123456+00:00"
STATUSES = (
    "invited",
    "interested",
    "declined",
    "opted_out",
    "link_sent",
    "signed",
    "awaiting_confirmation",
    "consented",
    "refused",
    "withdrawn",
    "expired",
    "entered_in_error",
)
GROUPS = (
    "Asian or Asian British - Any other Asian background",
    "Black or Black British - Any other Black background",
    "Mixed - White and Black Caribbean",
    "not known",
)


def services() -> FakeServices:
    fake = FakeServices()
    routes = fake.routes
    trial = {
        "id": TRIAL,
        "short_name": "DARE2THINK-AF",
        "title": "Finding irregular heart rhythm early in people at risk of stroke",
        "sponsor": "University of Birmingham",
        "languages": ["en", "ur", "pa", "bn"],
        "response_deadline_days": 30,
    }
    routes[("GET", "/trials")] = lambda _: (200, [trial])
    routes[("GET", f"/trials/{TRIAL}")] = lambda _: (200, trial)
    job = {
        "id": JOB,
        "practice_ods": PRACTICE,
        # As GP systems name their exports: one long word, nowhere to break it.
        "filename": "Sparkbrook_Health_Centre_EMIS_Search_Export_20261206_final_v2.csv",
        "dry_run": False,
        "status": "done",
        "requested_at": WHEN,
        "rows_read": 2500,
        "percent_done": 100,
        "created": 2490,
        "updated": 0,
        "unchanged": 0,
        "rejected": 10,
        "duplicates": 0,
        "ignored_columns": ["Registered GP Usual Name", "Preferred Contact Method Description"],
    }
    routes[("GET", f"/practices/{PRACTICE}/imports")] = lambda _: (200, [job] * 3)
    routes[("GET", f"/imports/{JOB}")] = lambda _: (200, job)
    reason = "Mobile Telephone: +44 (0)7400-665529 ext. 1234 is not a valid phone number"
    report = "line,column,reason\n" + "".join(f"{n},Mobile Telephone,{reason}\n" for n in range(10))
    routes[("GET", f"/imports/{JOB}/errors.csv")] = lambda _: (200, report)
    patient = {
        "id": PATIENT,
        "practice_ods": PRACTICE,
        "nhs_number": "9991000038",
        "given_name": "Muhammad Abdur-Rahman",
        "family_name": "Chowdhury-Rahman",
        "date_of_birth": "1961-07-02",
        "language": "pa-Arab",
        "mobile": "+447400665530",
        "textable": True,
        "opted_out": False,
        "interpreter_needed": True,
        "created_at": WHEN,
        "trials": [{"trial_id": TRIAL, "status": "awaiting_confirmation"}],
    }
    routes[("GET", "/participants")] = lambda _: (
        200,
        {"items": [patient] * 50, "total": 2500, "next_page": 2, "next_cursor": None},
    )
    routes[("GET", f"/participants/{PATIENT}")] = lambda _: (200, patient)
    template = {
        "kind": "invitation",
        "language": "en",
        "version": 3,
        "reviewed": True,
        "body": "Your GP practice {practice_name} invites you to the {title} study. "
        "Reply YES to hear more, NO if not, or STOP for no more texts.",
    }
    routes[("GET", "/templates")] = lambda _: (
        200,
        [{**template, "language": code} for code in ("en", "ur", "pa-Arab", "bn", "pl")],
    )
    token = {
        "id": str(uuid.UUID(int=4)),
        "name": "Dr Aleksandra Wiśniewska-Kowalczyk, Sparkbrook Health Centre",
        "role": "staff",
        "practices": ["M85021", "M85022", "M85023", "M85024", "M85025"],
        "trials": [],
        "expires_at": WHEN,
        "revoked_at": None,
    }
    routes[("GET", "/tokens")] = lambda _: (200, [token] * 4)
    recording = {
        "id": "0b7c1a52-0000-4000-8000-00000000000a",
        "scope": TRIAL,
        "kind": "invitation",
        "language": "syl",
        "version": 1,
        "reviewed": False,
        "created_by": "Dr Author with a long name",
        "reviewed_by": None,
    }
    routes[("GET", "/recordings")] = lambda _: (
        200,
        [recording, {**recording, "reviewed": True, "reviewed_by": "Ms Reviewer"}],
    )
    counts = {status: 1234 for status in STATUSES}
    routes[("GET", f"/trials/{TRIAL}/summary")] = lambda _: (
        200,
        {"trial_id": TRIAL, "counts": counts, "total": 14808},
    )
    routes[("GET", f"/trials/{TRIAL}/summary/practices")] = lambda _: (
        200,
        {
            "trial_id": TRIAL,
            "practices": [
                {"practice_ods": f"M8502{i}", "counts": counts, "total": 14808} for i in range(5)
            ],
        },
    )
    row = {
        "counts": {"invited": 12345, "replied": 9876, "interested": 5432, "consented": 3210},
        "rates": {"consented": 0.2601},
        "intervals": {"consented": {"low": 0.2523, "high": 0.2680}},
        "participation_to_prevalence_ratio": 0.73,
        "ppr_eligible_cohort": 0.81,
        "ppr_practice_list": 0.69,
        "share_of_invited": 0.1234,
        "share_of_consented": 0.0987,
        "flag": "no_clear_difference",
    }
    equity = {
        "trial_id": TRIAL,
        "definition": "Consent rate: consented / invited, per group.",
        "totals": {"invited": 100, "replied": 75, "interested": 50, "consented": 25},
        "populations": {"eligible_cohort": True, "practice_list": True},
        "rows": [
            {**row, "dimension": dimension, "group": group}
            for dimension in ("ethnic_group", "ethnic_category", "language", "imd_quintile")
            for group in GROUPS
        ],
        # Reach by channel (issue 17): the funnel's and the equity report's own table.
        "channels": [
            {
                "channel": channel,
                "counts": {
                    "invited": 1234567,
                    "delivered": 1234321,
                    "replied": 987654,
                    "consented": "<5" if channel == "letter" else 321098,
                },
            }
            for channel in ("sms", "whatsapp", "voice", "letter")
        ],
    }
    routes[("GET", f"/trials/{TRIAL}/equity")] = lambda _: (200, equity)
    record = {
        "study_number": STUDY_NUMBER,
        "trial_id": TRIAL,
        "status": "awaiting_confirmation",
        "form_version": 2,
        "participant": {
            "practice_ods": PRACTICE,
            "language": "pa-Arab",
            "sex": "female",
            "age_band": "60-69",
            "ethnic_category": "L",
            "imd_decile": 1,
            "imd_quintile": 1,
        },
        "history": [
            {
                "seq": n,
                "at": WHEN,
                "from_status": "link_sent",
                "to_status": "awaiting_confirmation",
                "actor": "researcher:Dr Aleksandra Wiśniewska-Kowalczyk",
                "channel": "consent_page_signature",
            }
            for n in range(1, 6)
        ],
        "audit_chain_intact": True,
        "audit_chain_broken_at": None,
    }
    routes[("GET", f"/trials/{TRIAL}/consent-records")] = lambda _: (
        200,
        {"items": [record] * 3, "next_cursor": None},
    )
    routes[("GET", f"/trials/{TRIAL}/consent-records/{STUDY_NUMBER}")] = lambda _: (200, record)
    callback = {
        "id": str(uuid.UUID(int=4)),
        "participant_id": PATIENT,
        "practice_ods": PRACTICE,
        "trial_id": TRIAL,
        "trial_short_name": "DARE2THINK-AF",
        "language": "phr",
        "interpreter_needed": True,
        "sources": ["sms", "voice", "consent_page", "review_inbox"],
        "requests": 4,
        "request_note": "Mornings only; her grandson translates",
        "state": "assigned",
        "opened_at": WHEN,
        "last_requested_at": WHEN,
        "waited_seconds": 12 * 86400 + 23 * 3600,
        "assigned_to": "Dr Aleksandra Wiśniewska-Kowalczyk",
        "assigned_by": "Sam",
        "assigned_at": WHEN,
        "outcome": None,
        "outcome_note": None,
        "closed_by": None,
        "closed_at": None,
    }
    routes[("GET", "/callbacks")] = lambda _: (200, [callback] * 3)
    routes[("GET", "/callbacks/waiting")] = lambda q: (
        200,
        {**q, "closed": 120, "median_seconds": 3 * 86400, "longest_seconds": 40 * 86400},
    )
    return fake


ROLES: dict[str, dict[str, list[str]]] = {
    "staff": {"practices": [PRACTICE], "trials": []},
    "admin": {"practices": [], "trials": []},
    "coordinator": {"practices": [], "trials": [TRIAL]},
}
PAGES = [
    ("staff", "/practice/imports"),  # upload
    ("staff", f"/practice/imports/{JOB}"),
    ("staff", "/practice/patients"),
    ("staff", f"/practice/patients/{PATIENT}"),
    ("staff", "/callbacks"),
    ("admin", "/admin/templates"),
    ("admin", "/admin/tokens"),
    ("admin", f"/admin/recordings?trial={TRIAL}"),
    ("coordinator", f"/trials/{TRIAL}"),  # by practice
    ("coordinator", f"/trials/{TRIAL}/equity"),
    ("coordinator", f"/trials/{TRIAL}/participants/{STUDY_NUMBER}"),  # participant history
]


@pytest.fixture(scope="module")
def console() -> Iterator[str]:
    fake = services()
    # Signing in with a token named after a role signs in as that role.
    fake.routes[("GET", "/whoami")] = lambda _: (
        200,
        {"name": f"A {fake.token}", "role": fake.token, **ROLES[fake.token]},
    )
    port = free_port()
    # Every test signs in from 127.0.0.1: more than the console's ten tries a minute.
    server = make_server(
        "127.0.0.1", port, console_over(fake, sign_in_per_minute=10_000), threaded=True
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}"
    server.shutdown()


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize(("role", "path"), PAGES, ids=[p for _, p in PAGES])
def test_no_page_scrolls_sideways_and_tables_show_their_last_column(
    console: str, browser: Any, role: str, path: str, width: int
) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(f"{console}/sign-in")
    page.get_by_label("Access token").fill(role)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{console}/")
    response = page.goto(f"{console}{path}")
    assert response.status == 200
    page.wait_for_load_state("load")
    laid_out_at(page, width)
    context.close()

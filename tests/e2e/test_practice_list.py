"""A new user's first hour: import the shipped sample practice list, read the error report,
build a cohort, preview it, and send its invitations to messaging, all over HTTP against
the services running as processes."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import requests

from tests.e2e.conftest import System
from tests.support.api import ApiClient, eventually

SAMPLE = Path(__file__).parents[2] / "deploy" / "local" / "samples" / "birmingham_practice_list.csv"


def test_a_sample_practice_list_becomes_a_cohort_whose_invitations_reach_messaging(
    system: System,
) -> None:
    admin = ApiClient(system.urls["registry"], system.token("--name", "admin", "--role", "admin"))
    admin.post("/practices", {"ods_code": "M85001", "name": "Sparkbrook Health Centre"})
    trial = admin.post(
        "/trials",
        {
            "short_name": "E2E-LIST",
            "title": "A heart study",
            "sponsor": "Test University",
            "languages": ["en", "ur", "so"],
        },
    )
    staff_token = system.token("--name", "staff", "--role", "staff", "--practice", "M85001")
    staff = ApiClient(system.urls["registry"], staff_token)

    uploaded = requests.post(
        f"{system.urls['registry']}/practices/M85001/imports",
        data=SAMPLE.read_bytes(),
        headers={"Authorization": f"Bearer {staff_token}", "Content-Type": "text/csv"},
        timeout=60,
    )
    assert uploaded.status_code == 202, uploaded.text
    job = eventually(
        lambda: (j := staff.get(uploaded.headers["Location"]))["status"] == "done" and j,
        timeout=60,
        what="the import to finish",
    )
    # "Patwari" (misspelt on purpose) imports as an unknown language, with a note.
    assert (job["created"], job["rejected"], job["duplicates"], job["noted"]) == (2492, 8, 1, 1)

    report = requests.get(
        f"{system.urls['registry']}{job['error_report']}",
        headers={"Authorization": f"Bearer {staff_token}"},
        timeout=30,
    )
    rows = list(csv.DictReader(io.StringIO(report.text)))
    assert len(rows) == 10
    assert {
        "line": "19",
        "column": "NHS Number",
        "reason": "cannot be the same digit ten times",
        "kind": "error",
    } in rows

    cohort = staff.post(
        f"/trials/{trial['id']}/cohorts",
        {
            "practice_ods": "M85001",
            "name": "Somali speakers, 18 and over",
            "criteria": {"age_min": 18, "languages": ["so"]},
        },
    )
    preview = staff.get(f"/cohorts/{cohort['id']}/preview")
    assert preview["count"] > 0 and preview["by_language"] == {"Somali": preview["count"]}
    sent = staff.post(
        f"/cohorts/{cohort['id']}/invitations",
        {"expected_count": preview["textable"]},
        expect=202,
    )
    assert sent["invited"] == preview["textable"]

    members: list[dict[str, Any]] = staff.get(
        "/participants",
        params={"trial_id": trial["id"], "status": "invited", "limit": 500},
    )["items"]
    assert len(members) == sent["invited"]
    messaging = ApiClient(system.urls["messaging"], staff_token)

    def all_invited() -> bool:
        for member in members:
            messages = messaging.get(f"/participants/{member['id']}/messages")
            if not any(
                m["kind"] == "invitation" and m["batch_id"] == sent["batch_id"] for m in messages
            ):
                return False
        return True

    eventually(all_invited, timeout=90, what="messaging to queue every member's invitation")

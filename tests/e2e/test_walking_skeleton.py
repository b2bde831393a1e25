"""One patient's whole journey through all three services, each running as its own process."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.e2e.conftest import System
from tests.support.api import ApiClient, eventually
from tests.support.processes import ARTIFACTS

pytestmark = pytest.mark.e2e
PATIENT_MOBILE = "+447400123499"  # one patient per system; other tests use other data


def test_a_patient_replies_yes_and_the_coordinator_sees_them_interested(
    system: System, page: Any, request: pytest.FixtureRequest
) -> None:
    admin_token = system.token("--name", "admin", "--role", "admin")
    admin = ApiClient(system.urls["registry"], admin_token)
    admin.post("/practices", {"ods_code": "M85001", "name": "Test Medical Centre"})
    trial = admin.post(
        "/trials", {"short_name": "E2E-1", "title": "A heart study", "sponsor": "Test University"}
    )
    staff = ApiClient(
        system.urls["registry"],
        system.token("--name", "staff", "--role", "staff", "--practice", "M85001"),
    )
    coordinator_token = system.token(
        "--name", "coord", "--role", "coordinator", "--trial", trial["id"]
    )
    patient = staff.post(
        "/participants",
        {
            "practice_ods": "M85001",
            "nhs_number": "943 476 5919",
            "given_name": "Imran",
            "family_name": "Hussain",
            "date_of_birth": "02/07/1961",
            "mobile": "07400 123499",
            "language": "ur",
        },
    )
    correlation_id = uuid.uuid4().hex
    requested = staff.post(
        f"/trials/{trial['id']}/invitations",
        {"practice_ods": "M85001", "participant_ids": [patient["id"]]},
        expect=202,
        headers={"X-Correlation-ID": correlation_id},
    )

    # Messaging holds the batch for approval; the Urdu text is not reviewed yet, so an
    # admin approves it knowingly.
    preview = system.send_batch(admin_token, requested["batch_id"])
    assert [(p["language"], p["count"], p["reviewed"]) for p in preview["languages"]] == [
        ("ur", 1, False)
    ]

    invitation = eventually(lambda: system.texts_to(PATIENT_MOBILE), what="the invitation SMS")
    assert invitation[0]["body"] == preview["languages"][0]["text"]
    assert "YES" in invitation[0]["body"] and "تحقیقی" in invitation[0]["body"]
    assert invitation[0]["segments"] == preview["languages"][0]["segments"]
    eventually(
        lambda: system.texts_to(PATIENT_MOBILE)[0]["status"] == "delivered",
        what="the delivery status callback",
    )

    # The patient answers on the phone simulator, in a real browser.
    page.goto(f"{system.urls['twilio']}/phone?number=%2B447400123499")
    page.get_by_label("Reply as this patient").fill("Yes please")
    page.get_by_test_id("reply-send").click()
    page.get_by_text("delivered to TrialReach").wait_for(timeout=10_000)

    coordinator = ApiClient(system.urls["consent"], coordinator_token)
    record = eventually(
        lambda: (
            # The trial's first participant: coordinators know them only as E2E-1-000001.
            (r := coordinator.get(f"/trials/{trial['id']}/consent-records/E2E-1-000001"))
            and r["status"] == "interested"
            and r
        ),
        what="the consent record to become interested",
    )
    assert [e["to_status"] for e in record["history"]] == ["invited", "interested"]
    assert record["audit_chain_intact"] is True
    assert "mobile" not in record["participant"] and "nhs_number" not in record["participant"]

    acknowledgement = eventually(
        lambda: len(texts := system.texts_to(PATIENT_MOBILE)) == 2 and texts[1],
        what="the acknowledgement SMS",
    )
    assert acknowledgement["body"].startswith("شکریہ")  # "thank you", in Urdu
    page.reload()
    page.get_by_text(acknowledgement["body"]).wait_for(timeout=10_000)
    page.screenshot(path=str(ARTIFACTS / f"{request.node.name}-phone.png"), full_page=True)

    registry_view = eventually(
        lambda: (
            (p := staff.get(f"/participants/{patient['id']}"))["trials"]
            and p["trials"][0]["status"] == "interested"
            and p
        ),
        what="the registry to hear of the consent status",
    )
    assert registry_view["trials"][0]["trial_id"] == trial["id"]

    # One request's correlation id follows its events into the other services' logs,
    # and no log line of ours holds the patient's phone or NHS number (the fake Twilio
    # plays the provider, which does know the number).
    logs = {
        path.name: path.read_text()
        for path in system.procs.log_dir.glob("*.log")
        if path.name != "twilio.log"
    }
    assert correlation_id in logs["messaging-worker.log"]
    assert correlation_id in logs["consent-worker.log"]
    for name, text in logs.items():
        for secret in ("7400123499", "7400 123499", "9434765919", "943 476 5919"):
            assert secret not in text, f"{secret} appears in {name}"
        assert coordinator_token not in text, f"a token appears in {name}"


def test_a_coordinator_of_another_trial_cannot_read_the_record(system: System) -> None:
    admin = ApiClient(system.urls["registry"], system.token("--name", "admin", "--role", "admin"))
    mine = admin.post("/trials", {"short_name": "MINE", "title": "Mine", "sponsor": "S"})
    # (the walking-skeleton test uses E2E-1 and practice M85001 on the same system)
    theirs = admin.post("/trials", {"short_name": "THEIRS", "title": "Theirs", "sponsor": "S"})
    other = system.token("--name", "c2", "--role", "coordinator", "--trial", theirs["id"])
    coordinator = ApiClient(system.urls["consent"], other)
    url = f"{system.urls['consent']}/trials/{mine['id']}/summary"
    # Until the token's event reaches consent the answer is 401; then it must be 403.
    problem = eventually(
        lambda: (r := coordinator.session.get(url, timeout=5)).status_code == 403 and r.json(),
        what="the token to reach consent and be refused",
    )
    assert problem["status"] == 403
    assert problem["title"] == "Not allowed"

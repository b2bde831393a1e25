"""Issue 17's "done when" for WhatsApp: a patient who prefers WhatsApp and agreed to it gets
the invitation as the approved content template, answers "yes" on the phone simulator in
Chromium, and is acknowledged on WhatsApp; every service is its own process (decision 30)."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from tests.e2e.conftest import SENDER_NUMBER, System
from tests.e2e.console_pages import at_phone_and_desktop, channel_rows, page_becomes, sign_in
from tests.support.api import ApiClient, eventually
from tests.support.processes import ARTIFACTS

pytestmark = pytest.mark.e2e
PRACTICE = "M85017"
NUMBER = "+447400171717"
ADDRESS = "whatsapp:" + NUMBER
SID = "HX" + "1" * 32
APPROVED = "{{1}}: your GP practice invites you to a heart study. Would you take part? YES or NO"


def whatsapp_to(system: System) -> list[dict[str, Any]]:
    return system.texts_to(ADDRESS)


def test_a_whatsapp_invitation_is_answered_yes_on_the_phone(
    system: System, page: Any, request: pytest.FixtureRequest
) -> None:
    admin_token = system.token("--name", "admin", "--role", "admin")
    staff_token = system.token("--name", "staff", "--role", "staff", "--practice", PRACTICE)
    registry = ApiClient(system.urls["registry"], admin_token)
    registry.post("/practices", {"ods_code": PRACTICE, "name": "WhatsApp Practice"})
    trial = registry.post("/trials", {"short_name": "WA-1", "title": "Heart", "sponsor": "Uni"})
    staff = ApiClient(system.urls["registry"], staff_token)
    patient = staff.post(
        "/participants",
        {
            "practice_ods": PRACTICE,
            "nhs_number": "943 476 5870",
            "given_name": "Amina",
            "family_name": "Begum",
            "date_of_birth": "03/04/1970",
            "mobile": "07400 171717",
            "language": "en",
            "preferred_channel": "WhatsApp",
        },
    )
    assert patient["preferred_channel"] == "whatsapp"
    messaging_admin = ApiClient(system.urls["messaging"], admin_token)
    eventually(  # the admin's token reaches messaging as an event
        lambda: (
            messaging_admin.session.put(
                f"{system.urls['messaging']}/whatsapp/templates/invitation/en",
                json={
                    "content_sid": SID,
                    "body": APPROVED,
                    "variables": ["short_name"],
                    "approval": "approved",
                },
                timeout=5,
            ).status_code
            == 200
        ),
        what="the approved WhatsApp template saved",
    )
    requests.post(
        f"{system.urls['twilio']}/_fake/whatsapp/templates",
        json={"sid": SID, "body": APPROVED},
        timeout=5,
    ).raise_for_status()
    requested = staff.post(
        f"/trials/{trial['id']}/invitations",
        {"practice_ods": PRACTICE, "participant_ids": [patient["id"]]},
        expect=202,
    )
    batch = f"/batches/{requested['batch_id']}"
    messaging_staff = ApiClient(system.urls["messaging"], staff_token)
    eventually(lambda: messaging_staff.get(f"{batch}/preview")["recipients"] == 1, what="batch")
    # Messaging hears of the patient with the invitation; staff record the opt-in while it
    # is held, and it turns into the approved template.
    messaging_staff.post(
        f"/participants/{patient['id']}/whatsapp-opt-in", {"how": "in_person"}, expect=200
    )
    preview = messaging_staff.get(f"{batch}/preview")
    assert [(c["channel"], c["count"]) for c in preview["channels"]] == [("whatsapp", 1)]
    system.send_batch(admin_token, requested["batch_id"])

    [invitation] = eventually(lambda: whatsapp_to(system), what="the WhatsApp invitation")
    assert invitation["from"] == "whatsapp:" + SENDER_NUMBER
    assert invitation["content_sid"] == SID
    assert invitation["body"].startswith("WA-1: your GP practice invites you")
    assert system.texts_to(NUMBER) == []  # no text as well

    page.goto(f"{system.urls['twilio']}/phone?number=whatsapp%3A%2B447400171717")
    page.get_by_role("heading", name=f"WhatsApp messages with {NUMBER}").wait_for()
    bubble = page.locator('[data-testid="message"][data-channel="whatsapp"]').first
    assert "WA-1: your GP practice invites you" in bubble.inner_text()
    page.get_by_label("Reply as this patient").fill("yes")
    page.get_by_test_id("reply-send").click()
    page.get_by_text("delivered to TrialReach").wait_for(timeout=10_000)

    acknowledgement = eventually(
        lambda: len(found := whatsapp_to(system)) == 2 and found[1],
        what="the acknowledgement on WhatsApp",
    )
    assert acknowledgement["content_sid"] is None  # free-form, inside the session window
    assert acknowledgement["body"].startswith("Thank you")
    page.reload()
    page_becomes(page, "document.querySelectorAll('[data-channel=\"whatsapp\"]').length === 3")
    page.screenshot(path=str(ARTIFACTS / f"{request.node.name}-whatsapp.png"), full_page=True)
    status = eventually(
        lambda: (
            (p := staff.get(f"/participants/{patient['id']}"))["trials"]
            and p["trials"][0]["status"] == "interested"
            and p
        ),
        what="the registry to hear the patient is interested",
    )
    assert status["trials"][0]["trial_id"] == trial["id"]
    report = eventually(
        lambda: (
            (r := messaging_staff.get(f"{batch}/report"))["by_channel"]["whatsapp"]["answered"] == 1
            and r
        ),
        what="the report's reach by channel",
    )
    assert set(report["by_channel"]) == {"whatsapp"}
    whatsapp = report["by_channel"]["whatsapp"]
    assert (whatsapp["messages"], whatsapp["reached"], whatsapp["delivered"]) == (1, 1, 1)

    # The coordinator's funnel and equity report count the patient under WhatsApp, on a
    # phone and on a laptop: invited, delivered and replied (1, so "<5"), not consented yet.
    coordinator = system.token("--name", "Cleo", "--role", "coordinator", "--trial", trial["id"])
    sign_in(page, system, coordinator)
    page.goto(f"{system.urls['console']}/trials/{trial['id']}")
    expected = {
        "Text (SMS)": ["0", "0", "0", "0"],
        "WhatsApp": ["<5", "<5", "<5", "0"],
        "Phone call": ["0", "0", "0", "0"],
        "Letter": ["0", "0", "0", "0"],
    }

    def counted() -> bool:
        if channel_rows(page, "funnel-by-channel") == expected:
            return True
        page.reload()  # the delivery report may still be on its way to consent
        return False

    eventually(counted, what="the funnel by channel")
    at_phone_and_desktop(page, request, "funnel-by-channel")
    page.goto(f"{system.urls['console']}/trials/{trial['id']}/equity")
    assert channel_rows(page, "equity-by-channel") == expected
    at_phone_and_desktop(page, request, "equity-by-channel")

"""Issue 16's "done when" for calls, in Chromium with every service as its own process (both
run modes): a Sylheti speaker who prefers a phone call is rung on the phone simulator, hears
the recording (Bengali, as Sylheti has no written form: decision 27), presses 1, and the
consent link follows by text; another presses 4 and a callback task opens, which staff assign
and close with an outcome in the console; a third lets it go to voicemail, which takes the
message, and the call is queued again.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
import requests

from tests.e2e.conftest import SENDER_NUMBER, System
from tests.e2e.console_pages import nav, page_becomes, sign_in
from tests.e2e.test_consent_journey import FORM
from tests.support.api import ApiClient, eventually
from tests.support.processes import ARTIFACTS, run_cli

pytestmark = pytest.mark.e2e
PRACTICE = "M85016"
YES_NUMBER, CALL_ME_NUMBER, VOICEMAIL = "+447400161601", "+447400161602", "+447400161603"
STATUS = "document.querySelector('[data-testid=\"call-status\"]').textContent"
AUDIO = "document.querySelector('[data-testid=\"call-audio\"]').src"


def a_caller(staff: ApiClient, nhs_number: str, mobile: str, given_name: str) -> dict[str, Any]:
    return staff.post(
        "/participants",
        {
            "practice_ods": PRACTICE,
            "nhs_number": nhs_number,
            "given_name": given_name,
            "family_name": "Begum",
            "date_of_birth": "14/03/1952",
            "mobile": mobile,
            "language": "Bengali (Sylheti)",
            "preferred_channel": "Phone call",
        },
    )


def invitations_to(messaging: ApiClient, participant_id: str) -> list[dict[str, Any]]:
    found = messaging.get(f"/participants/{participant_id}/messages")
    return [m for m in found if m["kind"] == "invitation"]


def answer_and_press(page: Any, system: System, number: str, key: str) -> None:
    page.goto(f"{system.urls['twilio']}/phone?number={quote(number)}")
    page_becomes(page, f"{STATUS}.includes('Incoming call from {SENDER_NUMBER}')", 60)
    page.click('[data-testid="call-answer"]')
    page_becomes(page, f"{AUDIO}.includes('/voice/recordings/')")
    page.click(f'[data-testid="key-{key}"]')


def test_a_call_answered_with_1_brings_the_link_and_with_4_a_callback(
    system: System, page: Any, request: pytest.FixtureRequest
) -> None:
    run_cli(["services.messaging", "demo-recordings"], system.env)  # espeak-ng (decision 27)
    admin_token = system.token("--name", "admin", "--role", "admin")
    staff_token = system.token("--name", "staff", "--role", "staff", "--practice", PRACTICE)
    registry = ApiClient(system.urls["registry"], admin_token)
    registry.post("/practices", {"ods_code": PRACTICE, "name": "Voice Practice"})
    trial = registry.post("/trials", {"short_name": "AF-CALL", "title": "Heart", "sponsor": "U"})
    system.publish_form(admin_token, trial["id"], FORM, "REC 26/WM/0016")
    staff = ApiClient(system.urls["registry"], staff_token)
    says_yes = a_caller(staff, "943 476 5919", "07400 161601", "Rahima")
    asks_for_a_call = a_caller(staff, "943 476 5927", "07400 161602", "Shirin")
    away = a_caller(staff, "943 476 5935", "07400 161603", "Jamila")
    assert says_yes["preferred_channel"] == "voice"
    requested = staff.post(
        f"/trials/{trial['id']}/invitations",
        {
            "practice_ods": PRACTICE,
            "participant_ids": [says_yes["id"], asks_for_a_call["id"], away["id"]],
        },
        expect=202,
    )
    preview = system.send_batch(admin_token, requested["batch_id"])
    assert [(c["channel"], c["count"]) for c in preview["channels"]] == [("voice", 3)]

    answer_and_press(page, system, YES_NUMBER, "1")
    page.screenshot(path=str(ARTIFACTS / f"{request.node.name}-call.png"), full_page=True)
    texts = eventually(
        lambda: (
            (found := system.texts_to(YES_NUMBER))
            and any("/c/" in t["body"] for t in found)
            and found
        ),
        60,
        what="the consent link by text after pressing 1",
    )
    assert all(t["from"] == SENDER_NUMBER for t in texts)

    answer_and_press(page, system, CALL_ME_NUMBER, "4")
    messaging = ApiClient(system.urls["messaging"], staff_token)
    [task] = eventually(lambda: messaging.get("/callbacks"), 60, what="the callback task")
    assert task["participant_id"] == asks_for_a_call["id"]
    assert task["interpreter_needed"] is True  # Sylheti: spoken, not written
    assert task["sources"] == ["voice"]

    # Staff assign the task in the console and close it with an outcome.
    sign_in(page, system, staff_token)
    nav(page, "Callbacks")
    row = page.locator("tr", has_text="Shirin")
    row.get_by_role("button", name="Assign to me").click()
    page.get_by_text("Callback assigned to staff").wait_for()
    page.locator("tr", has_text="Shirin").get_by_role("link", name="Open").click()
    page.get_by_label("No answer").check()
    page.get_by_role("button", name="Record the outcome").click()
    page.get_by_text("Outcome recorded: no answer").wait_for()
    closed = messaging.get(f"/callbacks/{task['id']}")
    assert (closed["state"], closed["outcome"], closed["assigned_to"]) == (
        "closed",
        "no_answer",
        "staff",
    )

    page.goto(f"{system.urls['twilio']}/phone?number={quote(VOICEMAIL)}")
    page_becomes(page, f"{STATUS}.includes('Incoming call from {SENDER_NUMBER}')", 60)
    page.click('[data-testid="call-voicemail"]')
    calls = eventually(
        lambda: len(found := invitations_to(messaging, away["id"])) >= 2 and found,
        60,
        what="the call queued again after the voicemail",
    )
    assert len(calls) == 2 and "queued" in {m["status"] for m in calls}, calls  # the retry
    heard = requests.get(
        f"{system.urls['twilio']}/_fake/calls", params={"to": VOICEMAIL}, timeout=5
    ).json()
    assert heard[0]["picked_up_by"] == "machine" and heard[0]["heard"], "the message was left"

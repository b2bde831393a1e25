"""The review inbox in Chromium, at phone (390 px) and desktop (1280 px) widths: each
unclear reply with its patient, trial and conversation; the patient was texted once to reply
YES, NO or CALL in their language; staff make it a callback with a note in one action; a
reply from an opted-out number is flagged, and only its own practice sees it."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.conftest import System
from tests.e2e.console_pages import fits_the_screen, nav, seen, sign_in
from tests.e2e.test_multilingual_batch import nhs_number, reply
from tests.support.api import ApiClient, eventually

pytestmark = pytest.mark.e2e
PRACTICE_A, PRACTICE_B = "M85031", "M85032"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
UNCLEAR = "please call me, I cannot read well"
HEART = "please call me about my heart condition"


def invited(
    system: System, tokens: tuple[str, str], trial_id: str, practice: str, **who: Any
) -> str:
    """A patient of the practice, invited to the trial; returns their mobile as texted.
    `tokens` are the admin's (who sends the unreviewed translations) and the staff's."""
    admin_token, staff_token = tokens
    staff = ApiClient(system.urls["registry"], staff_token)
    patient = staff.post("/participants", {"practice_ods": practice, **who})
    requested = staff.post(
        f"/trials/{trial_id}/invitations",
        {"practice_ods": practice, "participant_ids": [patient["id"]]},
        expect=202,
    )
    system.send_batch(admin_token, requested["batch_id"])
    eventually(lambda: system.texts_to(patient["mobile"]), what="the invitation")
    return str(patient["mobile"])


@pytest.fixture(scope="module")
def inbox_world(system: System) -> dict[str, str]:
    admin_token = system.token("--name", "Admin", "--role", "admin")
    admin = ApiClient(system.urls["registry"], admin_token)
    for code in (PRACTICE_A, PRACTICE_B):
        admin.post("/practices", {"ods_code": code, "name": f"Surgery {code}"})
    trial = admin.post(
        "/trials", {"short_name": "AF-INBOX", "title": "A heart study", "sponsor": "S"}
    )
    staff_a = system.token("--name", "Sam A", "--role", "staff", "--practice", PRACTICE_A)
    staff_b = system.token("--name", "Bea B", "--role", "staff", "--practice", PRACTICE_B)
    nasreen = invited(
        system,
        (admin_token, staff_a),
        trial["id"],
        PRACTICE_A,
        nhs_number=nhs_number(310),
        given_name="Nasreen",
        family_name="Akhtar",
        date_of_birth="1958-11-02",
        mobile="07400 323101",
        language="ur",
    )
    george = invited(
        system,
        (admin_token, staff_b),
        trial["id"],
        PRACTICE_B,
        nhs_number=nhs_number(320),
        given_name="George",
        family_name="Mensah",
        date_of_birth="1949-05-17",
        mobile="07400 323102",
        language="en",
    )
    # Nasreen's reply is unclear: she is texted once, in Urdu, to reply YES, NO or CALL.
    reply(system, nasreen, UNCLEAR)
    texts = eventually(
        lambda: len(t := system.texts_to(nasreen)) == 2 and t, what="the unclear answer"
    )
    assert "CALL" in texts[1]["body"] and "معذرت" in texts[1]["body"]
    # George texts STOP, then writes again: no answer, but staff see it, flagged.
    reply(system, george, "STOP")
    eventually(lambda: len(system.texts_to(george)) == 2, what="the STOP confirmation")
    reply(system, george, HEART)
    return {"staff_a": staff_a, "staff_b": staff_b, "george": george}


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280px", "390px"])
def test_staff_read_a_reply_with_its_patient_and_conversation(
    system: System,
    browser: Any,
    inbox_world: dict[str, str],
    viewport: dict[str, int],
    request: pytest.FixtureRequest,
) -> None:
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    try:
        sign_in(page, system, inbox_world["staff_a"])
        nav(page, "Replies to review")
        card = page.locator(".nhsuk-card", has_text=UNCLEAR)
        eventually(lambda: page.reload() and card.count() == 1, what="the reply in the inbox")
        text = card.inner_text()
        for expected in ("Nasreen Akhtar", "AF-INBOX", "Urdu", "Invitation", "(this reply)"):
            assert expected in text, expected
        assert "We did not understand" in text, "the answer she was sent is in the thread"
        assert HEART not in page.content(), "another practice's patient's reply"
        fits_the_screen(page)
        seen(page, request, "inbox")

    finally:
        context.close()


def test_staff_make_the_unclear_reply_a_callback_with_a_note_in_one_action(
    system: System, browser: Any, inbox_world: dict[str, str], request: pytest.FixtureRequest
) -> None:
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    try:
        sign_in(page, system, inbox_world["staff_a"])
        nav(page, "Replies to review")
        card = page.locator(".nhsuk-card", has_text=UNCLEAR)
        eventually(lambda: page.reload() and card.count() == 1, what="the reply in the inbox")
        card.get_by_label("Note for the callback (optional)").fill("Urdu, mornings")
        card.get_by_role("button", name="Make this a callback").click()
        page.get_by_text("Reply made a callback").wait_for()
        main = page.get_by_role("main").inner_text()
        assert "Urdu, mornings" in main and UNCLEAR in main, "the note and the conversation"
        fits_the_screen(page)
        seen(page, request, "callback")
        nav(page, "Replies to review")
        assert UNCLEAR not in page.get_by_role("main").inner_text(), "it left the inbox"
    finally:
        context.close()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280px", "390px"])
def test_a_reply_from_an_opted_out_number_is_flagged_for_its_own_practice(
    system: System,
    browser: Any,
    inbox_world: dict[str, str],
    viewport: dict[str, int],
    request: pytest.FixtureRequest,
) -> None:
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    try:
        sign_in(page, system, inbox_world["staff_b"])
        nav(page, "Replies to review")
        card = page.locator(".nhsuk-card", has_text=HEART)
        eventually(lambda: page.reload() and card.count() == 1, what="the reply in the inbox")
        text = card.inner_text()
        assert "Opted out of texts" in text and "George Mensah" in text
        assert "Confirmation of STOP" in text
        assert UNCLEAR not in page.content()
        assert len(system.texts_to(inbox_world["george"])) == 2, "nothing more after STOP"
        fits_the_screen(page)
        seen(page, request, "opted-out")
    finally:
        context.close()

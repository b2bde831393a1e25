"""A person to talk to, in Chromium with every service as its own process (both run modes):
a Sylheti speaker's unclear text on the phone simulator becomes a callback in one action in
the review inbox; staff see how long she has waited and that an interpreter is needed,
assign the call and record its outcome; the waiting summary counts it (decision 28)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import pytest

from tests.e2e.conftest import System
from tests.e2e.console_pages import fits_the_screen, nav, seen, sign_in
from tests.e2e.test_multilingual_batch import nhs_number
from tests.e2e.test_review_inbox import invited
from tests.support.api import ApiClient, eventually

pytestmark = pytest.mark.e2e
PRACTICE = "M85041"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
UNCLEAR = "who is this? my son reads my texts"


@pytest.fixture(scope="module")
def callback_world(system: System) -> dict[str, str]:
    admin_token = system.token("--name", "Admin", "--role", "admin")
    admin = ApiClient(system.urls["registry"], admin_token)
    admin.post("/practices", {"ods_code": PRACTICE, "name": "Sparkhill Surgery"})
    trial = admin.post(
        "/trials", {"short_name": "AF-CALL", "title": "A heart study", "sponsor": "S"}
    )
    staff = system.token("--name", "Sam Staff", "--role", "staff", "--practice", PRACTICE)
    mobile = invited(
        system,
        (admin_token, staff),
        trial["id"],
        PRACTICE,
        nhs_number=nhs_number(410),
        given_name="Rahima",
        family_name="Begum",
        date_of_birth="1952-03-14",
        mobile="07400 324101",
        language="syl",
    )
    return {"staff": staff, "mobile": mobile}


def test_an_unclear_reply_becomes_a_callback_that_staff_assign_and_close(
    system: System, browser: Any, callback_world: dict[str, str], request: pytest.FixtureRequest
) -> None:
    number = callback_world["mobile"]
    # The patient answers on the phone simulator; nobody can tell what she means.
    phone_context = browser.new_context(viewport=PHONE)
    phone = phone_context.new_page()
    phone.goto(f"{system.urls['twilio']}/phone?{urlencode({'number': number})}")
    phone.get_by_test_id("message").first.wait_for()
    phone.get_by_test_id("reply-input").fill(UNCLEAR)
    phone.get_by_test_id("reply-send").click()
    phone.locator('[data-direction="sent"]', has_text=UNCLEAR).wait_for()
    phone_context.close()
    eventually(lambda: len(system.texts_to(number)) == 2, what='the "reply YES, NO or CALL" text')

    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    try:
        sign_in(page, system, callback_world["staff"])
        nav(page, "Replies to review")
        card = page.locator(".nhsuk-card", has_text=UNCLEAR)
        eventually(lambda: page.reload() and card.count() == 1, what="the reply in the inbox")

        # One action: the reply is a callback.
        card.get_by_role("button", name="Make this a callback").click()
        page.get_by_text("Reply made a callback").wait_for()
        main = page.get_by_role("main").inner_text()
        assert "Rahima Begum" in main and "AF-CALL" in main
        assert "Sylheti" in main and "Interpreter needed" in main
        assert "Staff, from the review inbox" in main and UNCLEAR in main

        # The list: oldest first, her wait, language and interpreter flag; assign to me.
        nav(page, "Callbacks")
        row = page.locator("tr", has_text="Rahima Begum")
        row.wait_for()
        text = row.inner_text()
        assert "Sylheti" in text and "Interpreter needed" in text and "Nobody yet" in text
        assert "minute" in text, "the waiting time"
        fits_the_screen(page)
        seen(page, request, "callbacks")
        row.get_by_role("button", name="Assign to me").click()
        page.get_by_text("Callback assigned to Sam Staff").wait_for()
        assert "Sam Staff" in page.locator("tr", has_text="Rahima Begum").inner_text()

        # The outcome, on the callback's own page.
        page.locator("tr", has_text="Rahima Begum").get_by_role("link", name="Open").click()
        page.get_by_label("Reached, interested").check()
        page.get_by_label("Note (optional)").fill("Her son will help her read the form")
        seen(page, request, "callback")
        page.get_by_role("button", name="Record the outcome").click()
        page.get_by_text("Outcome recorded: reached, interested").wait_for()
        assert page.locator("tr", has_text="Rahima Begum").count() == 0, "closed: off the list"
        closed = page.locator("#waiting-summary div", has_text="Callbacks closed").locator("dd")
        assert closed.inner_text() == "1"
        assert "None closed" not in page.locator("#waiting-summary").inner_text()
        seen(page, request, "closed")
    finally:
        context.close()

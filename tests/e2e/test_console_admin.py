"""The console's admin pages in Chromium: a trial, its consent form and a translation, a
template with the live segment counter and the reviewed flag; and staff kept out."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import System
from tests.e2e.console_pages import accessible, open_section, shot, sign_in
from tests.support.api import ApiClient, eventually

pytestmark = pytest.mark.e2e
PRACTICE = "M85020"
URDU_TITLE = "دل کی دھڑکن کی تحقیق"
URDU_INVITATION = "السلام علیکم، {title} کے بارے میں پڑھیں: {info_url}"


@pytest.fixture(scope="module")
def admin_token(system: System) -> str:
    return system.token("--name", "Ada Admin", "--role", "admin")


def test_an_admin_sets_up_a_trial_its_consent_form_and_an_urdu_invitation(
    system: System, admin_token: str, page: Any, request: pytest.FixtureRequest
) -> None:
    short_name = f"ADM-{uuid.uuid4().hex[:6].upper()}"
    sign_in(page, system, admin_token)
    open_section(page, "Trial setup")
    page.get_by_role("heading", name="Trial setup").wait_for()
    accessible(page)

    # A trial: a bad short name is shown beside its field, then put right.
    page.get_by_label("Short name").fill("no spaces please")
    page.get_by_label("Title", exact=True).fill("a heart rhythm study")
    page.get_by_label("Sponsor").fill("University of Birmingham")
    page.get_by_label("Urdu").check()
    page.get_by_role("button", name="Add trial").click()
    page.locator("#short_name-error").get_by_text("letters, digits, - or _").wait_for()
    accessible(page)
    page.get_by_label("Short name").fill(short_name)
    page.get_by_role("button", name="Add trial").click()
    page.get_by_text(f"Trial {short_name} added").wait_for()
    trial_url = page.url

    # Its messaging settings, once messaging has heard of the trial.
    def settings_shown() -> bool:
        page.goto(trial_url)
        return page.get_by_role("button", name="Save messaging settings").count() == 1

    eventually(settings_shown, what="the new trial to reach messaging")
    page.get_by_label("Days before the one reminder").fill("5")
    page.get_by_label("Days", exact=True).fill("mon-sat")
    page.get_by_label("From").fill("10:00")
    page.get_by_label("Until").fill("17:00")
    page.get_by_role("button", name="Save messaging settings").click()
    page.get_by_text("Messaging settings saved").wait_for()
    expect(page.get_by_label("Days before the one reminder")).to_have_value("5")
    expect(page.get_by_label("Days", exact=True)).to_have_value("mon,tue,wed,thu,fri,sat")
    accessible(page)
    shot(page, request, "trial")

    # A consent form: an English draft, an Urdu translation, published.
    page.get_by_role("link", name=f"Consent forms for {short_name}").click()
    page.get_by_text("No version published").wait_for()
    accessible(page)
    page.get_by_label("Title", exact=True).fill("Taking part in the heart rhythm study")
    page.get_by_label("Summary of the information sheet").fill(
        "We are testing a watch.\n\nYou can stop at any time."
    )
    page.get_by_label("Full information sheet").fill("https://example.org/sheet-en.pdf")
    page.get_by_label("Key of statement 1").fill("take_part")
    page.get_by_label("Statement 1 is needed").check()
    page.get_by_label("Words of statement 1").fill("I agree to take part")
    page.get_by_role("button", name="Save draft").click()
    page.get_by_text("Draft version 1 saved").wait_for()

    page.get_by_label("Language", exact=True).select_option("ur")
    page.get_by_label("Title", exact=True).fill(URDU_TITLE)
    page.get_by_label("Summary of the information sheet").fill("ہم ایک گھڑی آزما رہے ہیں")
    page.get_by_label("Full information sheet in this language").fill(
        "https://example.org/sheet-ur.pdf"
    )
    page.get_by_label("I agree to take part").fill("میں حصہ لینے پر راضی ہوں")
    page.get_by_role("button", name="Save translation").click()
    page.get_by_text("Translation saved in version 1").wait_for()
    urdu = page.locator("#lang-ur [lang=ur]")
    expect(urdu).to_have_attribute("dir", "rtl")
    expect(urdu).to_contain_text(URDU_TITLE)

    # A question that checks understanding, in both languages; a missing word is named.
    page.get_by_role("link", name="Add a question").click()
    page.get_by_label("Question key").fill("leave")
    page.get_by_label("Answer 1", exact=True).fill("any_time")
    page.get_by_label("Answer 2", exact=True).fill("never")
    page.get_by_label("Answer 1 is the right one").check()
    page.locator("#text_en").fill("Can you leave the study?")
    page.locator("#words_en_1").fill("Yes, at any time")
    page.locator("#words_en_2").fill("No, never")
    page.locator("#explanation_en").fill("You can leave at any time without a reason.")
    page.locator("#text_ur").fill("کیا آپ تحقیق چھوڑ سکتے ہیں؟")
    page.locator("#words_ur_1").fill("ہاں، کسی بھی وقت")
    page.locator("#explanation_ur").fill("آپ کسی بھی وقت چھوڑ سکتے ہیں")
    page.get_by_role("button", name="Save the question").click()
    expect(page.locator("#words_ur_2-error")).to_be_visible()
    accessible(page)
    page.locator("#words_ur_2").fill("نہیں، کبھی نہیں")
    page.get_by_role("button", name="Save the question").click()
    page.get_by_text("Question leave saved in version 1").wait_for()
    questions = page.get_by_test_id("questions")
    expect(questions).to_contain_text("Can you leave the study?")
    expect(questions).to_contain_text("en, ur")
    accessible(page)

    page.get_by_label("Ethics approval reference").fill("IRAS 123456")
    page.get_by_role("button", name="Publish version 1").click()
    page.get_by_text("Version 1 published").wait_for()
    expect(page.get_by_role("heading", name="Version 1")).to_contain_text("Current")
    accessible(page)
    shot(page, request, "consent-form")

    # An Urdu invitation of the trial's own, counted live as it is typed.
    open_section(page, "Message templates")
    page.get_by_label("Trial").select_option(label=short_name)
    page.get_by_role("button", name="Show").click()
    accessible(page)
    page.get_by_role("link", name="Urdu Invitation").click()
    page.get_by_role("heading", name="Invitation in Urdu").wait_for()
    text = page.get_by_label("Text", exact=True)
    encoding = page.locator("#segment-count").get_by_test_id("encoding")
    text.fill("")
    text.press_sequentially("Join {title}: {info_url}")
    expect(encoding).to_have_text("GSM-7")
    expect(page.locator("#segment-count")).to_contain_text("24 characters")
    text.press_sequentially(" ہاں")
    expect(encoding).to_have_text("UCS-2")
    shot(page, request, "counter")

    # A misspelt placeholder is refused beside the text, saying what to do.
    text.fill(URDU_INVITATION.replace("{title}", "{titel}"))
    page.get_by_role("button", name="Save as a new version").click()
    error = page.locator("#body-error")
    expect(error).to_contain_text("unknown placeholder {titel}")
    expect(error).to_contain_text("missing placeholder {title}")
    page.get_by_role("alert").get_by_text("What to do next").wait_for()
    # Without waiting for the script, the page itself shows the count of what was sent.
    expect(encoding).to_have_text("UCS-2")
    accessible(page)
    shot(page, request, "placeholder-error")

    page.get_by_label("Text", exact=True).fill(URDU_INVITATION)
    page.get_by_label("In digits (Reply 1 or 2)").check()
    page.get_by_role("button", name="Save as a new version").click()
    page.get_by_text("Version 1 saved").wait_for()
    expect(page.get_by_label("In digits (Reply 1 or 2)")).to_be_checked()
    card = page.locator(".nhsuk-card").first
    expect(card).to_contain_text("In use: version 1")
    expect(card).to_contain_text("Not reviewed")
    page.get_by_role("button", name="Mark version 1 reviewed").click()
    page.get_by_text("Version 1 marked reviewed").wait_for()
    expect(page.locator(".nhsuk-card").first).to_contain_text("Reviewed")
    accessible(page)
    shot(page, request, "reviewed")

    open_section(page, "Message templates")
    page.get_by_label("Trial").select_option(label=short_name)
    page.get_by_role("button", name="Show").click()
    row = page.get_by_role("row").filter(has_text="Urdu")
    expect(row).to_contain_text("1 (this trial's)")
    expect(row).to_contain_text("Reviewed")


def test_the_counter_works_without_javascript(
    system: System, admin_token: str, browser: Any
) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        sign_in(page, system, admin_token)
        page.goto(f"{system.urls['console']}/admin/templates/edit?kind=invitation&language=en")
        page.get_by_label("Text", exact=True).fill("Żółw {title} {info_url}")
        page.get_by_role("button", name="Check length").click()
        expect(page.locator("#segment-count").get_by_test_id("encoding")).to_have_text("UCS-2")
        expect(page.locator("#segment-count")).to_contain_text("because of")
    finally:
        context.close()


@pytest.mark.parametrize("path", ["/admin/trials", "/admin/consent-forms", "/admin/templates/edit"])
def test_staff_are_refused_the_admin_pages_with_a_next_step(
    system: System, admin_token: str, page: Any, path: str
) -> None:
    registry = ApiClient(system.urls["registry"], admin_token)
    if not any(p["ods_code"] == PRACTICE for p in registry.get("/practices")):
        registry.post("/practices", {"ods_code": PRACTICE, "name": "Admin Test Surgery"})
    staff = system.token("--name", "Sam Staff", "--role", "staff", "--practice", PRACTICE)
    sign_in(page, system, staff)
    page.get_by_text("Signed in as Sam Staff").wait_for()
    assert page.get_by_role("link", name="Trial setup").count() == 0
    assert page.get_by_role("link", name="Patients").count() >= 1
    response = page.goto(f"{system.urls['console']}{path}")
    assert response.status == 403
    page.get_by_text("What to do next").wait_for()
    page.get_by_text("Ask your administrator").wait_for()

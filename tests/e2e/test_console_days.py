"""A practice staff member's whole day and a trial coordinator's, in Chromium through the
console only, over the real services; every page is screenshotted and checked with axe.

Staff upload the practice list (one bad row), build a cohort, preview the texts per
language, and send. The shipped Urdu and Polish translations are unreviewed, so, as on a
real first day, staff are told only an administrator may send them; the practice's admin
signs in and sends them knowingly. Patients reply on the phone simulator; staff read the
reply nobody could classify and it flows on; one patient consents on their phone. The
coordinator then sees the funnel, the practices, the equity report, a pseudonym's verified
history, and downloads the CSV and FHIR exports."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from tests.e2e.conftest import System
from tests.e2e.console_pages import (
    at_phone_and_desktop,
    channel_rows,
    nav,
    page_becomes,
    seen,
    sign_in,
)
from tests.support.api import ApiClient, eventually
from tests.support.axe import violations
from tests.support.factories import consent_form

pytestmark = pytest.mark.e2e
PRACTICE = "M85021"
PHONE = {"width": 390, "height": 844}
HEADER = (
    "NHS Number,Given Name,Surname,Date of Birth,Sex,Mobile Telephone,"
    "Main Spoken Language,Interpreter Required,Ethnicity,IMD 2019 Decile"
)
# (row, mobile as texted); line 1 is the header, so the bad NHS number is on line 6.
PATIENTS = {
    "jade": (
        "9991000003,Jade,Campbell,22/09/1951,Female,07400 665529,English,No,"
        "Black or Black British - Caribbean,1",
        "+447400665529",
    ),
    "imran": (
        "9991000038,Imran,Hussain,02/07/1961,Male,07400 665530,Urdu,No,"
        "Asian or Asian British - Pakistani,1",
        "+447400665530",
    ),
    "ewa": (
        "9991000062,Ewa,Nowak,15/03/1970,Female,07400 665531,Polish,No,"
        "White - Any other White background,3",
        "+447400665531",
    ),
    "george": (
        "9991000097,George,Smith,01/01/1950,Male,07400 665532,English,No,White - British,5",
        "+447400665532",
    ),
}
BAD_ROW = "1111111111,Bad,Row,01/01/1960,Male,07400 665533,English,No,White - British,5"
CHILD = "9991000119,Sophie,Walker,30/09/2018,Female,07400 665534,English,No,Not stated,2"
FORM = consent_form(["en"], future_studies=False)


@pytest.fixture(scope="module")
def day(system: System) -> dict[str, Any]:
    """What an administrator set up before the practice's first day: the practice, the
    trial with a published consent form, and a token for each person. The admin pages for
    trials and forms are another piece of work, so this goes through the APIs."""
    admin_token = system.token("--name", "Ada Admin", "--role", "admin")
    registry = ApiClient(system.urls["registry"], admin_token)
    registry.post("/practices", {"ods_code": PRACTICE, "name": "Sparkbrook Health Centre"})
    trial = registry.post(
        "/trials", {"short_name": "DAYS", "title": "A heart rhythm study", "sponsor": "Uni"}
    )
    system.publish_form(admin_token, trial["id"], FORM, "REC 26/WM/0002")
    return {
        "trial": trial,
        "admin": admin_token,
        "staff": system.token("--name", "Sam Staff", "--role", "staff", "--practice", PRACTICE),
        "coordinator": system.token(
            "--name", "Cora Coordinator", "--role", "coordinator", "--trial", trial["id"]
        ),
    }


def cell_after(page: Any, table: str, row: str) -> str:
    """The number in a bar chart's row (the charts are tables, for screen readers too)."""
    found = page.locator("table", has=page.locator("caption", has_text=table))
    return str(
        found.get_by_role("row", name=re.compile(f"^{row} ")).locator("td").first.inner_text()
    )


def phone_reply(browser: Any, system: System, number: str, body: str, shot_as: Any) -> None:
    """The patient answers on the phone simulator, after their invitation has arrived."""
    context = browser.new_context(viewport=PHONE)
    phone = context.new_page()
    phone.goto(f"{system.urls['twilio']}/phone?{urlencode({'number': number})}")
    phone.get_by_test_id("message").first.wait_for()
    phone.get_by_test_id("reply-input").fill(body)
    phone.get_by_test_id("reply-send").click()
    phone.locator('[data-direction="sent"]', has_text=body).wait_for()
    shot_as(phone)
    context.close()


def test_a_practice_staff_members_day(
    system: System, day: dict[str, Any], browser: Any, page: Any, request: pytest.FixtureRequest
) -> None:
    console = system.urls["console"]
    page.goto(f"{console}/sign-in")
    seen(page, request, "01-sign-in")
    sign_in(page, system, day["staff"])
    page.get_by_text("Signed in as Sam Staff").wait_for()
    seen(page, request, "02-home")

    # The practice list: every good row loads; the bad one is reported with its line.
    nav(page, "Upload patient list")
    seen(page, request, "03-upload")
    rows = [PATIENTS["jade"][0], PATIENTS["imran"][0], PATIENTS["ewa"][0], PATIENTS["george"][0]]
    content = "\n".join([HEADER, *rows, BAD_ROW, CHILD]) + "\n"
    page.get_by_label("Patient list file").set_input_files(
        {"name": "sparkbrook.csv", "mimeType": "text/csv", "buffer": content.encode()}
    )
    page.get_by_role("button", name="Upload").click()
    page.get_by_text("Loaded: 6 rows read").wait_for()
    assert page.locator("#import-progress").get_attribute("value") == "100"
    new_patients = page.locator(".nhsuk-summary-list__row", has_text="New patients")
    assert new_patients.locator("dd").inner_text() == "5"
    problems = page.locator("table", has=page.locator("caption", has_text="Rows not loaded"))
    assert problems.get_by_role("row").nth(1).inner_text().split("\t")[:2] == ["6", "NHS Number"]
    assert "same digit ten times" in problems.inner_text()
    seen(page, request, "04-upload-done")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the error report (CSV)").click()
    report = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text())))
    assert [(r["line"], r["column"]) for r in report] == [("6", "NHS Number")]
    at_phone_and_desktop(page, request, "04-upload-done")
    page.get_by_role("link", name="Back to uploads").click()
    uploaded = page.get_by_role("row", name=re.compile("^sparkbrook.csv"))
    # UK wall-clock time, to the minute: "6 Dec 2026, 14:05", never "2026-12-06T14:05:31.123456".
    assert re.search(r"\t\d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2}\t", uploaded.inner_text())
    at_phone_and_desktop(page, request, "04-uploads")

    # A cohort: adults only, so the child is left out; its breakdown before anyone is asked.
    nav(page, "Cohorts")
    seen(page, request, "05-cohorts")
    page.get_by_role("link", name="Build a cohort for DAYS").click()
    page.get_by_label("Name", exact=True).fill("Adults, first wave")
    # An age in words is not dropped (which would make a cohort of any age, children too):
    # it is an error by its field, linked from a summary at the top.
    page.get_by_label("From").fill("forty")
    page.get_by_role("button", name="Save and preview").click()
    summary = page.locator(".nhsuk-error-summary")
    summary.get_by_role("link", name="Age from must be a whole number of years, like 18").wait_for()
    assert page.locator("#age-error").is_visible()
    assert page.get_by_label("From").input_value() == "forty"
    seen(page, request, "06-cohort-form-error")
    at_phone_and_desktop(page, request, "06-cohort-form-error")
    assert summary.get_by_role("link").get_attribute("href") == "#age_min"
    page.get_by_label("From").fill("18")
    seen(page, request, "06-cohort-form")
    page.get_by_role("button", name="Save and preview").click()
    assert page.locator("#cohort-count").inner_text() == "4"
    assert cell_after(page, "By language", "English") == "2 (50%)"
    assert cell_after(page, "By language", "Urdu") == "1 (25%)"
    assert cell_after(page, "By IMD quintile", "1") == "2 (50%)"
    seen(page, request, "07-cohort")
    page.get_by_role("button", name="Invite the 4 patients who can be texted").click()

    # The batch: each language's text as the phone shows it, its parts and cost.
    page.get_by_text("invitations are being prepared").wait_for()
    # It appears by itself: the page follows until the batch has arrived whole, then
    # reloads once; it is checked after that, not while it is reloading.
    page_becomes(page, "!document.querySelector('[data-live]')")
    page.wait_for_load_state("load")
    seen(page, request, "08-batches")
    at_phone_and_desktop(page, request, "08-batches")
    page.get_by_role("link", name=re.compile("^Open")).click()
    batch_url = page.url
    page.get_by_text("4 patients,").wait_for()
    urdu = page.locator(".nhsuk-card", has_text="Urdu: 1 patient")
    assert urdu.get_by_text("Not reviewed").is_visible()
    assert "UCS-2" in urdu.inner_text()
    assert urdu.locator(".trialreach-sms").get_attribute("dir") == "rtl"
    english = page.locator(".nhsuk-card", has_text="English: 2 patients")
    assert "GSM-7" in english.inner_text() and "Not reviewed" not in english.inner_text()
    assert page.get_by_text("Translations not yet reviewed").is_visible()
    # Staff may not send texts nobody has reviewed: no button, and who can.
    assert page.get_by_role("button", name="Approve and send").count() == 0
    page.get_by_text("Ask an administrator").wait_for()
    seen(page, request, "09-batch-preview-staff")
    page.get_by_role("button", name="Sign out").click()

    # The admin reads the same preview and sends the unreviewed translations knowingly.
    sign_in(page, system, day["admin"])
    # The trial has no hours of its own: the page says which apply, the deployment's
    # SEND_WINDOW (every hour in these tests).
    page.goto(f"{system.urls['console']}/admin/trials/{day['trial']['id']}")
    window = page.locator("#effective-window").inner_text()
    assert "At any time, every day (this deployment's usual hours" in window
    page.goto(batch_url)
    page.get_by_label("Send the unreviewed translations anyway").check()
    seen(page, request, "10-batch-preview-admin")
    page.get_by_role("button", name="Approve and send").click()
    page.get_by_text("Batch approved").wait_for()
    # The page follows progress by itself until every text is delivered.
    page.locator("table", has_text="Invitations").get_by_role(
        "row", name=re.compile("^delivered 4")
    ).wait_for(timeout=60_000)
    seen(page, request, "11-batch-delivered")
    page.get_by_role("button", name="Sign out").click()

    # Patients answer on their phones: one unclear, one yes in Urdu script, one no.
    def phone_shot(name: str) -> Any:
        return lambda phone: seen(phone, request, name)

    phone_reply(
        browser, system, PATIENTS["jade"][1], "not sure who this is from", phone_shot("12-phone")
    )
    phone_reply(browser, system, PATIENTS["imran"][1], "ہاں", phone_shot("13-phone-urdu"))
    phone_reply(browser, system, PATIENTS["ewa"][1], "nie", phone_shot("14-phone-polish"))

    # Staff read the reply nobody could classify and say what it meant.
    sign_in(page, system, day["staff"])
    nav(page, "Replies to review")
    card = page.locator(".nhsuk-card", has_text="not sure who this is from")
    eventually(lambda: page.reload() and card.count() == 1, what="the unclear reply in the inbox")
    assert page.locator(".nhsuk-card").count() == 1, "understood replies never wait here"
    seen(page, request, "15-replies")
    card.get_by_label("Yes, interested").check()
    card.get_by_role("button", name="Save").click()
    page.get_by_text("Reply marked as yes, interested").wait_for()
    page.get_by_text("Nothing to review").wait_for()
    seen(page, request, "16-replies-done")

    # It flows on: the patient is sent the consent link, and consents on their phone.
    consent_link = eventually(
        lambda: next(
            (
                match.group(1)
                for text in system.texts_to(PATIENTS["jade"][1])
                if (match := re.search(r"(https?://\S+/c/\S+)", text["body"]))
            ),
            None,
        ),
        what="the consent link after staff read the reply as yes",
    )
    consent_on_phone(browser, consent_link)

    # Each participant's status, as the practice sees it.
    statuses = {
        "Campbell, Jade": "DAYS: consented",
        "Hussain, Imran": "DAYS: link sent",
        "Nowak, Ewa": "DAYS: declined",
        "Smith, George": "DAYS: invited",
        "Walker, Sophie": "Not invited",
    }

    def each_status() -> dict[str, str]:
        nav(page, "Patients")
        rows = page.locator("tbody tr").all()
        return {
            row.locator("td").nth(0).inner_text(): row.locator("td").nth(5).inner_text()
            for row in rows
        }

    seen_statuses: list[dict[str, str]] = []
    try:

        def as_expected() -> bool:
            seen_statuses.append(each_status())
            return seen_statuses[-1] == statuses

        eventually(as_expected, what="each patient's status on the page")
    except AssertionError:
        assert seen_statuses[-1] == statuses
    seen(page, request, "17-patients")
    at_phone_and_desktop(page, request, "17-patients")
    assert patients_found(page, q="999 100 0038") == ["Hussain, Imran"]  # NHS number, spaced
    imran = page.get_by_role("row", name=re.compile("^Hussain, Imran"))
    assert imran.locator("td").nth(1).inner_text() == "999 100 0038"
    assert imran.locator("td").nth(2).inner_text() == "2 July 1961"
    assert imran.locator("td").nth(3).inner_text() == "Urdu"
    assert patients_found(page, q="07400 665531") == ["Nowak, Ewa"]  # mobile, as staff write it
    assert patients_found(page, q="campbell JADE") == ["Campbell, Jade"]
    assert patients_found(page, status="not_invited") == ["Walker, Sophie"]
    assert patients_found(page, language="en", sort="-date_of_birth") == [
        "Walker, Sophie",
        "Campbell, Jade",
        "Smith, George",
    ]
    assert page.get_by_label("Sort by").input_value() == "-date_of_birth"  # the form remembers
    seen(page, request, "17-patients-searched")
    at_phone_and_desktop(page, request, "17-patients-searched")
    page.get_by_role("link", name="Clear the search").click()
    page.get_by_role("link", name="Campbell, Jade").click()
    page.wait_for_url(re.compile(r"/practice/patients/[0-9a-f-]+$"))  # not the list still
    consented = page.get_by_role("row", name="DAYS consented")
    consented.wait_for(timeout=10_000)
    assert consented.is_visible()
    details = page.locator(".nhsuk-summary-list").inner_text()
    assert "999 100 0003" in details and "22 September 1951" in details
    assert "07400 665529" in details and "English" in details
    seen(page, request, "18-patient")
    at_phone_and_desktop(page, request, "18-patient")
    # Her language, set on this page: a name the registry cannot read is refused beside the
    # box it was typed in; a listed one is set, with the language texts go in.
    page.get_by_label("Another language").fill("Patois Creole")
    page.get_by_role("button", name="Set the language").click()
    page.locator("#other_language-error").get_by_text("is not a language we know").wait_for()
    page.get_by_label("Another language").fill("")
    page.get_by_label("Language the patient speaks").select_option("en")
    page.get_by_role("button", name="Set the language").click()
    page.get_by_text("Language set to English.").wait_for()
    assert page.get_by_test_id("texted-in").inner_text() == "English"
    assert page.get_by_test_id("interpreter").inner_text() == "Not needed"
    day["staff_day_done"] = True


def patients_found(page: Any, **search: str) -> list[str]:
    """Search the patients page as staff do, with its GET form (no script needed)."""
    nav(page, "Patients")
    fields = {"q": "Search by name, NHS number or mobile", "status": "Trial status"}
    for name, value in search.items():
        if name in ("q",):
            page.get_by_label(fields[name]).fill(value)
        else:
            page.locator(f"select#{name}").select_option(value)
    page.get_by_role("button", name="Search").click()
    page.locator("#patients-count").wait_for()
    return [str(row.locator("td").first.inner_text()) for row in page.locator("tbody tr").all()]


def consent_on_phone(browser: Any, link: str) -> None:
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    phone = context.new_page()
    phone.goto(link)
    phone.get_by_test_id("dob-day").fill("22")
    phone.get_by_test_id("dob-month").fill("9")
    phone.get_by_test_id("dob-year").fill("1951")
    phone.get_by_test_id("dob-continue").click()
    phone.get_by_test_id("item-read_summary").check()
    phone.get_by_test_id("item-gp_records").check()
    phone.get_by_test_id("agree").click()
    phone.get_by_test_id("confirmation").wait_for()
    context.close()


def test_a_trial_coordinators_day(
    system: System, day: dict[str, Any], page: Any, request: pytest.FixtureRequest
) -> None:
    # Follows the staff member's day above: four invited, three replied, two interested,
    # one consented.
    if not day.get("staff_day_done"):
        pytest.fail("the coordinator's day follows the staff member's: run the whole module")
    sign_in(page, system, day["coordinator"])
    page.get_by_text("Signed in as Cora Coordinator").wait_for()
    seen(page, request, "01-home")
    nav(page, "Trials")
    seen(page, request, "02-trials")
    page.get_by_role("link", name="DAYS", exact=True).click()
    funnel = {
        stage: cell_after(page, "Funnel", stage)
        for stage in ("invited", "replied", "interested", "consented", "withdrawn")
    }
    # Counts of 1 to 4 are suppressed in the equity totals the funnel is drawn from.
    assert funnel == {
        "invited": "<5",
        "replied": "<5",
        "interested": "<5",
        "consented": "<5",
        "withdrawn": "0",
    }
    # Every invitation went by text; the status events reached consent over the bus, so the
    # funnel by channel counts them (under 5: "<5"), and no other channel reached anyone.
    by_channel = {
        "Text (SMS)": ["<5", "<5", "<5", "<5"],
        "WhatsApp": ["0", "0", "0", "0"],
        "Phone call": ["0", "0", "0", "0"],
        "Letter": ["0", "0", "0", "0"],
    }

    def counted() -> bool:
        if channel_rows(page, "funnel-by-channel") == by_channel:
            return True
        page.reload()  # the last delivery reports may still be on their way to consent
        return False

    eventually(counted, what="the funnel by channel")
    practice_row = page.get_by_role("row", name=re.compile(f"^{PRACTICE} "))
    assert practice_row.locator("td").last.inner_text() == "4"
    seen(page, request, "03-trial")
    # A laptop at a reception desk: the wide table scrolls in its own region, the page not;
    # on a phone the same; on a desktop the whole table shows, its Total column too.
    width = page.evaluate("window.innerWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    at_phone_and_desktop(page, request, "03-trial")

    page.get_by_role("link", name=re.compile("^Equity report")).click()
    page.get_by_role("heading", name="By ethnic group").wait_for()
    # Four patients: every group's counts are under 5, so shown as "<5" with no rate drawn.
    assert channel_rows(page, "equity-by-channel") == by_channel
    first_group = page.get_by_role("region", name="By ethnic group").locator("tbody tr").first
    assert "<5" in first_group.inner_text(), first_group.inner_text()
    assert page.locator("svg rect").count() == 0, "no rate is drawn from suppressed counts"
    seen(page, request, "04-equity")
    at_phone_and_desktop(page, request, "04-equity")
    assert page.get_by_role("heading", name="By IMD quintile").is_visible()
    page.get_by_role("link", name="Back to the trial").click()

    page.get_by_role("link", name="consented").first.click()  # the funnel's count, by status
    page.get_by_role("heading", name="Participants who are consented").wait_for()
    [study_number] = page.locator("table", has_text="Study number").locator("tbody a").all()
    assert re.fullmatch(r"DAYS-\d{6}", study_number.inner_text()), study_number.inner_text()
    study_number.click()
    page.get_by_text("The audit trail is intact").wait_for()
    changes = page.locator("table", has_text="Change").locator("tbody tr td:nth-child(3)")
    assert changes.all_inner_texts() == [
        "new → invited",
        "invited → interested",
        "interested → link sent",
        "link sent → consented",
    ]
    seen(page, request, "05-record")
    at_phone_and_desktop(page, request, "05-record")
    bands = page.locator(".nhsuk-summary-list").inner_text()
    assert "Practice (ODS code)" in bands and "IMD decile" in bands
    assert "Imd decile" not in bands and "Practice ods" not in bands
    assert "Black or Black British: Caribbean" in bands and "English" in bands
    when = page.locator("table", has_text="Change").locator("tbody tr td:nth-child(2)")
    for shown in when.all_inner_texts():
        assert re.fullmatch(r"\d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2}", shown), shown
    page.get_by_role("link", name="Back to the trial").click()

    with page.expect_download() as download:
        page.get_by_role("link", name="Download consent records (CSV)").click()
    exported = Path(download.value.path()).read_text()
    records = list(csv.DictReader(io.StringIO(exported)))
    assert list(records[0]) == [
        "study_number",
        "trial_id",
        "status",
        "form_version",
        "form_language",
        "created_at",
        "updated_at",
        "practice_ods",
        "language",
        "sex",
        "age_band",
        "ethnic_category",
        "imd_quintile",
    ]
    assert sorted(r["status"] for r in records) == ["consented", "declined", "invited", "link_sent"]
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("^Download as FHIR")).click()
    fhir_text = Path(download.value.path()).read_text()
    bundle = json.loads(fhir_text)
    assert bundle["resourceType"] == "Bundle"
    consents = [
        e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Consent"
    ]
    assert len(consents) == 4 and "active" in {c["status"] for c in consents}
    for who_they_are in ("Campbell", "Hussain", "9991000003", "7400665529", "07400 665529"):
        assert who_they_are not in exported and who_they_are not in fhir_text

    # Errors say what to do next, and are accessible too.
    assert page.goto(f"{system.urls['console']}/practice/patients").status == 403
    page.get_by_role("heading", name="You cannot open this page").wait_for()
    assert "requested resource" not in page.content()
    page.get_by_text("What to do next").wait_for()
    seen(page, request, "06-refused")
    missing = f"{system.urls['console']}/trials/{day['trial']['id']}/downloads/nothing.txt"
    assert page.goto(missing).status == 404
    page.get_by_text("What to do next").wait_for()
    assert violations(page) == []

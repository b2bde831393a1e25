"""Every language the consent page's words exist in, on a phone: for a patient invited in
each, the page's own words are in that language (never English under its tag), `lang` and
`dir` are right, and a study whose form is not in that language says so and offers a call
with an interpreter (issue 15 items 3 and 4). One browser, one page per language."""

from __future__ import annotations

import re
from functools import partial
from typing import Any

import pytest
import requests

from services.consent.entrypoints.web.texts import EN, texts_for
from shared import i18n, languages
from tests.e2e.conftest import System
from tests.support.api import ApiClient, eventually
from tests.support.processes import ARTIFACTS

pytestmark = pytest.mark.e2e
PRACTICE = "M85017"
PHONE = {"width": 390, "height": 844}
CODES = [code for code in i18n.catalog_languages() if code != "en"]
FORM: dict[str, Any] = {  # the study's form exists in English and Urdu only
    "items": [{"key": "read_summary", "mandatory": True}],
    "translations": {
        "en": {
            "title": "A heart study",
            "summary": "We want to find heart problems early.",
            "sheet_url": "https://example.org/sheet",
            "items": {"read_summary": "I have read the information."},
        },
        "ur": {
            "title": "دل کا مطالعہ",
            "summary": "ہم دل کے مسائل کا جلد پتہ لگانا چاہتے ہیں",
            "sheet_url": "https://example.org/sheet?lang=ur",
            "items": {"read_summary": "میں نے معلومات پڑھ لی ہیں"},
        },
    },
}


def nhs_number(serial: int) -> str:
    while True:
        first_nine = f"46{serial:07d}"
        total = sum(int(d) * w for d, w in zip(first_nine, range(10, 1, -1), strict=True))
        check = (11 - total % 11) % 11
        if check != 10:
            return f"{first_nine}{check}"
        serial += 1


def mobile(n: int) -> tuple[str, str]:
    return f"07400 3355{n:02d}", f"+4474003355{n:02d}"


def link_for(system: System, number: str) -> str | None:
    for text in system.texts_to(number):
        found = re.search(r"(https?://\S+/c/\S+)", text["body"])
        if found:
            return found.group(1)
    return None


def english_words(text: str) -> list[str]:
    return [e for e in EN.values() if len(e) > 12 and e in text]


# One system (the embedded one): the words, not the transport, are what this test is about.
@pytest.mark.parametrize("system", ["embedded"], indirect=True)
def test_each_language_gets_its_own_words_and_an_honest_page_without_its_form(
    system: System, browser: Any
) -> None:
    assert len(CODES) >= 25
    admin_token = system.token("--name", "admin", "--role", "admin")
    staff_token = system.token("--name", "staff", "--role", "staff", "--practice", PRACTICE)
    registry = ApiClient(system.urls["registry"], admin_token)
    registry.post("/practices", {"ods_code": PRACTICE, "name": "Every Language Practice"})
    trial = registry.post(
        "/trials", {"short_name": "LANG-1", "title": "A heart study", "sponsor": "Uni"}
    )
    system.publish_form(admin_token, trial["id"], FORM, "REC 26/WM/0025")
    staff = ApiClient(system.urls["registry"], staff_token)
    people = {
        code: staff.post(
            "/participants",
            {
                "practice_ods": PRACTICE,
                "nhs_number": nhs_number(300 + 10 * n),
                "given_name": "Test",
                "family_name": f"Patient{n}",
                "date_of_birth": "02/07/1961",
                "mobile": mobile(n)[0],
                "language": code,
            },
        )["id"]
        for n, code in enumerate(CODES)
    }
    requested = staff.post(
        f"/trials/{trial['id']}/invitations",
        {"practice_ods": PRACTICE, "participant_ids": list(people.values())},
        expect=202,
    )
    system.send_batch(admin_token, requested["batch_id"])
    for n, code in enumerate(CODES):
        eventually(partial(system.texts_to, mobile(n)[1]), what=f"the {code} invitation")
        requests.post(
            f"{system.urls['twilio']}/_fake/inbound",
            json={"from": mobile(n)[1], "body": "YES"},
            timeout=10,
        ).raise_for_status()
    links = {
        code: eventually(partial(link_for, system, mobile(n)[1]), what=f"the {code} link")
        for n, code in enumerate(CODES)
    }

    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    problems: list[str] = []
    for code in CODES:
        words = texts_for(code)
        direction = "rtl" if languages.is_rtl(code) else "ltr"
        page.goto(links[code])
        html = page.locator("html")
        first = (html.get_attribute("lang"), html.get_attribute("dir"))
        dob_title = page.locator("h1").inner_text()
        switch = page.locator('[data-testid="language-switch"] a').count()
        page.fill('[data-testid="dob-day"]', "2")
        page.fill('[data-testid="dob-month"]', "7")
        page.fill('[data-testid="dob-year"]', "1961")
        page.click('[data-testid="dob-continue"]')
        page.wait_for_load_state()
        body = page.locator("main").inner_text()
        if code in ("ur", "ar", "am", "ta", "pa", "zh-Hant"):  # a few scripts, to look at
            folder = ARTIFACTS / "consent-languages"
            folder.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(folder / f"{code}.png"), full_page=True)
        second = (html.get_attribute("lang"), html.get_attribute("dir"))
        if first != (code, direction) or second != (code, direction):
            problems.append(f"{code}: lang/dir {first} then {second}")
        if dob_title != words["dob_title"] or dob_title == EN["dob_title"]:
            problems.append(f"{code}: first page title {dob_title!r}")
        if switch < 25:
            problems.append(f"{code}: the switch offers {switch} languages")
        if english_words(body):
            problems.append(f"{code}: English words {english_words(body)}")
        if code == "ur":
            if FORM["translations"]["ur"]["title"] not in body:
                problems.append("ur: the Urdu form is not shown")
        elif (
            words["no_form_title"] not in body
            or page.locator('[data-testid="call-me"]').inner_text() != words["call_button"]
            or "A heart study" in body
        ):
            problems.append(f"{code}: no honest page: {body[:120]!r}")
    context.close()
    assert problems == []

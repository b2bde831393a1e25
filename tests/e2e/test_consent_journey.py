"""A patient gives consent on their phone, in Urdu (right to left) and in English without
JavaScript, then withdraws; the coordinator sees the history, the FHIR export and the equity
report. Real processes, the real twilio SDK against the fake server, real Chromium with axe."""

from __future__ import annotations

import re
from typing import Any

import pytest
import requests

from tests.e2e.conftest import System
from tests.support.api import ApiClient, eventually
from tests.support.axe import violations
from tests.support.factories import consent_form
from tests.support.processes import ARTIFACTS

pytestmark = pytest.mark.e2e
PHONE = {"width": 390, "height": 844}  # a small phone
FORM = consent_form()


def text_of_kind(system: System, number: str, pattern: str) -> dict[str, Any]:
    return eventually(
        lambda: next((m for m in system.texts_to(number) if re.search(pattern, m["body"])), None),
        what=f"a text matching {pattern!r}",
    )


def reply(system: System, number: str, body: str) -> None:
    response = requests.post(
        f"{system.urls['twilio']}/_fake/inbound", json={"from": number, "body": body}, timeout=5
    )
    assert response.status_code == 201, response.text


class Trial:
    """A trial with a published English and Urdu form, its staff and coordinator."""

    def __init__(
        self, system: System, short_name: str, practice: str, form: dict[str, Any] = FORM
    ) -> None:
        self.system = system
        self.admin_token = admin_token = system.token("--name", "admin", "--role", "admin")
        registry_admin = ApiClient(system.urls["registry"], admin_token)
        registry_admin.post("/practices", {"ods_code": practice, "name": "Test Medical Centre"})
        self.trial = registry_admin.post(
            "/trials",
            {
                "short_name": short_name,
                "title": "A heart study",
                "sponsor": "Test University",
                "response_deadline_days": 28,
            },
        )
        self.id = self.trial["id"]
        self.practice = practice
        self.staff = ApiClient(
            system.urls["registry"],
            system.token("--name", "staff", "--role", "staff", "--practice", practice),
        )
        self.consent_admin = ApiClient(system.urls["consent"], admin_token)
        system.publish_form(admin_token, self.id, form, "REC 26/WM/0001")
        self.coordinator = ApiClient(
            system.urls["consent"],
            system.token("--name", "coord", "--role", "coordinator", "--trial", self.id),
        )

    def invite(self, mobile: str, language: str, dob: str, nhs: str) -> str:
        patient = self.staff.post(
            "/participants",
            {
                "practice_ods": self.practice,
                "nhs_number": nhs,
                "given_name": "Test",
                "family_name": "Patient",
                "date_of_birth": dob,
                "mobile": mobile,
                "language": language,
                "sex": "male",
                "ethnic_category": "J",
                "imd_decile": 1,
                "imd_edition": 2019,
            },
        )
        requested = self.staff.post(
            f"/trials/{self.id}/invitations",
            {"practice_ods": self.practice, "participant_ids": [patient["id"]]},
            expect=202,
        )
        self.system.send_batch(self.admin_token, requested["batch_id"])
        return str(patient["id"])

    def record(self, participant_id: str) -> Any:
        """The coordinator's view, by the study number only the practice (or an admin) can
        link to the patient."""
        trials = self.consent_admin.get(f"/participants/{participant_id}/consent")["trials"]
        [number] = [t["study_number"] for t in trials if t["trial_id"] == self.id]
        record = self.coordinator.get(f"/trials/{self.id}/consent-records/{number}")
        assert participant_id not in str(record)
        return record


def link_after_yes(system: System, mobile: str) -> str:
    text_of_kind(system, mobile, r"\bYES\b")  # the invitation, in the patient's language
    reply(system, mobile, "YES")
    found = text_of_kind(system, mobile, r"/c/\S+")["body"]
    match = re.search(r"(https?://\S+/c/\S+)", found)
    assert match, found
    return match.group(1)


def shot(page: Any, name: str) -> None:
    folder = ARTIFACTS / "consent"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def accessible(page: Any) -> None:
    assert violations(page) == []


def test_a_patient_consents_in_urdu_on_a_phone_then_withdraws_and_the_coordinator_sees_it(
    system: System, browser: Any, request: pytest.FixtureRequest
) -> None:
    mode = request.node.callspec.id
    trial = Trial(system, f"UR-{mode[:3]}", "M85011")
    mobile = "+447400123511"
    participant_id = trial.invite(mobile, "ur", "02/07/1961", "9990000018")
    link = link_after_yes(system, mobile)

    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    # A link changed by one character is refused before anything is asked.
    tampered = link[:-1] + ("A" if link[-1] != "A" else "B")
    assert page.goto(tampered).status == 404
    page.get_by_test_id("link-problem").wait_for()
    shot(page, f"ur-0-tampered-link-{mode}")
    accessible(page)
    page.goto(link)
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("html").get_attribute("lang") == "ur"
    shot(page, f"ur-1-date-of-birth-{mode}")
    accessible(page)

    # A wrong date first: the same message as for every failure.
    page.get_by_test_id("dob-day").fill("1")
    page.get_by_test_id("dob-month").fill("1")
    page.get_by_test_id("dob-year").fill("1960")
    page.get_by_test_id("dob-continue").click()
    page.locator(".nhsuk-error-summary").wait_for()
    shot(page, f"ur-2-date-of-birth-error-{mode}")
    accessible(page)

    page.get_by_test_id("dob-day").fill("2")
    page.get_by_test_id("dob-month").fill("7")
    page.get_by_test_id("dob-year").fill("1961")
    page.get_by_test_id("dob-continue").click()
    page.get_by_test_id("agree").wait_for()
    assert "دل کی بے ترتیب دھڑکن" in page.locator("h1").inner_text()
    box = page.get_by_test_id("agree").bounding_box()
    assert box and box["height"] >= 44  # a large touch target
    shot(page, f"ur-3-form-{mode}")
    accessible(page)

    # Agreeing without the mandatory items is refused, then done properly.
    page.get_by_test_id("agree").click()
    page.locator(".nhsuk-error-summary").wait_for()
    accessible(page)
    page.get_by_test_id("item-read_summary").check()
    page.get_by_test_id("item-gp_records").check()
    page.get_by_test_id("agree").click()
    page.get_by_test_id("confirmation").wait_for()
    assert page.get_by_test_id("copy-version").inner_text() == "1"
    shot(page, f"ur-4-agreed-copy-{mode}")
    accessible(page)
    text_of_kind(system, mobile, "رضامندی")  # the Urdu confirmation

    # The language switch (folded: it lists every language) shows the same page in English.
    page.get_by_test_id("language-switch").locator("summary").click()
    page.get_by_test_id("language-switch").locator("a[hreflang=en]").click()
    page.get_by_test_id("confirmation").wait_for()
    assert page.locator("html").get_attribute("dir") == "ltr"
    shot(page, f"ur-5-agreed-in-english-{mode}")

    page.get_by_test_id("withdraw-link").click()
    assert "already collected" in page.get_by_test_id("withdraw-data").inner_text()
    shot(page, f"ur-6-withdraw-{mode}")
    accessible(page)
    page.get_by_test_id("withdraw-confirm").click()
    page.get_by_test_id("closed-title").wait_for()
    shot(page, f"ur-7-withdrawn-{mode}")
    accessible(page)
    context.close()
    text_of_kind(system, mobile, "دستبردار")  # the Urdu withdrawal receipt

    record = eventually(
        lambda: (r := trial.record(participant_id))["status"] == "withdrawn" and r,
        what="the record to be withdrawn",
    )
    assert [e["to_status"] for e in record["history"]] == [
        "invited",
        "interested",
        "link_sent",
        "consented",
        "withdrawn",
    ]
    assert record["audit_chain_intact"] is True
    assert record["responses"][0]["language"] == "ur"
    bundle = trial.coordinator.get(f"/trials/{trial.id}/fhir")
    statuses = {e["resource"]["resourceType"]: e["resource"]["status"] for e in bundle["entry"]}
    assert statuses == {"Consent": "inactive", "ResearchSubject": "withdrawn"}
    verified = trial.consent_admin.get("/admin/audit/verify", params={"trial_id": trial.id})
    assert verified == {"checked": 1, "intact": True, "broken": []}
    report = trial.coordinator.get(f"/trials/{trial.id}/equity")
    # Consented now, not ever: withdrawn counts once, and 1 is too small to show.
    assert report["totals"]["consented"] == 0 and report["totals"]["withdrawn"] == "<5"

    coordinator_page = browser.new_page()
    coordinator_page.set_extra_http_headers(
        {"Authorization": trial.coordinator.session.headers["Authorization"]}
    )
    coordinator_page.goto(f"{system.urls['consent']}/trials/{trial.id}/equity.html")
    shot(coordinator_page, f"equity-report-{mode}")
    accessible(coordinator_page)
    coordinator_page.close()


def test_a_patient_consents_in_english_without_javascript_and_withdraws_by_sms(
    system: System, browser: Any, request: pytest.FixtureRequest
) -> None:
    mode = request.node.callspec.id
    trial = Trial(system, f"EN-{mode[:3]}", "M85012")
    mobile = "+447400123512"
    participant_id = trial.invite(mobile, "en", "14/03/1958", "9990000026")
    link = link_after_yes(system, mobile)

    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto(link)
    page.get_by_test_id("dob-day").fill("14")
    page.get_by_test_id("dob-month").fill("3")
    page.get_by_test_id("dob-year").fill("1958")
    page.get_by_test_id("dob-continue").click()
    page.get_by_test_id("item-read_summary").check()
    page.get_by_test_id("item-gp_records").check()
    page.get_by_test_id("agree").click()
    page.get_by_test_id("confirmation").wait_for()
    shot(page, f"en-nojs-agreed-{mode}")
    context.close()
    text_of_kind(system, mobile, r"consent to the study \S+ is recorded")

    reply(system, mobile, "STOP")

    record = eventually(
        lambda: (r := trial.record(participant_id))["status"] == "withdrawn" and r,
        what="STOP after consent to withdraw",
    )
    assert record["history"][-1]["channel"] == "sms"

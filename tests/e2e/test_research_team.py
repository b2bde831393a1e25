"""The research team in Chromium (decision 0032), services as processes: a patient of a
trial that asks for confirmation signs on their phone and is told the team confirms next; a
researcher records a phone discussion with an interpreter, an impartial witness, and
countersigns; the patient is texted, and the coordinator sees "consented" under the study
number. Then a researcher takes another patient's consent by phone from the record page."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.conftest import System
from tests.e2e.console_pages import accessible, open_section, shot, sign_in
from tests.e2e.test_consent_journey import PHONE, Trial, link_after_yes, text_of_kind
from tests.support.api import ApiClient, eventually

pytestmark = pytest.mark.e2e


def researcher_of(system: System, trial: Trial) -> str:
    """A researcher's token for the trial, once consent has heard of it (an event)."""
    token = system.token("--name", "Dr R Patel", "--role", "researcher", "--trial", trial.id)
    consent = ApiClient(system.urls["consent"], token)
    eventually(lambda: consent.session.get(f"{consent.base_url}/whoami", timeout=5).ok,
               what="the researcher's token to reach consent")  # fmt: skip
    return token


def study_number(trial: Trial, participant_id: str) -> str:
    found = trial.consent_admin.get(f"/participants/{participant_id}/consent")["trials"]
    [number] = [t["study_number"] for t in found if t["trial_id"] == trial.id]
    return str(number)


def sign_on_the_phone(browser: Any, link: str, day: str, month: str, year: str) -> Any:
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(link)
    page.get_by_test_id("dob-day").fill(day)
    page.get_by_test_id("dob-month").fill(month)
    page.get_by_test_id("dob-year").fill(year)
    page.get_by_test_id("dob-continue").click()
    page.get_by_test_id("item-read_summary").check()
    page.get_by_test_id("item-gp_records").check()
    page.get_by_test_id("agree").click()
    page.get_by_test_id("confirmation").wait_for()
    return context, page


def test_a_researcher_countersigns_after_a_phone_discussion_and_the_coordinator_sees_consented(
    system: System, browser: Any, request: pytest.FixtureRequest
) -> None:
    mode = request.node.callspec.id
    trial = Trial(system, f"RT-{mode[:3]}", "M85031")
    asked = trial.consent_admin.session.put(
        f"{system.urls['consent']}/trials/{trial.id}/confirmation",
        json={"required": True},
        timeout=5,
    )
    assert asked.status_code == 200, asked.text
    mobile = "+447400123531"
    participant_id = trial.invite(mobile, "ur", "02/07/1961", "9990000042")
    link = link_after_yes(system, mobile)

    context, patient = sign_on_the_phone(browser, link, "2", "7", "1961")
    patient.get_by_test_id("awaiting-confirmation").wait_for()
    assert "تحقیقی ٹیم" in patient.get_by_test_id("confirmation").inner_text()
    shot(patient, request, f"patient-awaiting-{mode}")
    accessible(patient)
    context.close()
    text_of_kind(system, mobile, "تحقیقی ٹیم")  # the Urdu "awaiting confirmation" text
    number = study_number(trial, participant_id)
    assert trial.record(participant_id)["status"] == "awaiting_confirmation"

    page = browser.new_page()
    sign_in(page, system, researcher_of(system, trial))
    open_section(page, "Consent to confirm")
    page.get_by_role("link", name=trial.trial["short_name"], exact=True).click()
    page.get_by_test_id("awaiting").get_by_role("link", name=number).click()
    page.get_by_test_id("discussion-form").wait_for()
    shot(page, request, f"researcher-record-{mode}")
    accessible(page)

    # Countersigning first is refused: the discussion comes before.
    countersign = page.get_by_test_id("countersign-form")
    countersign.get_by_label("Your full name", exact=True).fill("Dr R Patel")
    countersign.get_by_label("Your signature: your full name again").fill("Dr R Patel")
    countersign.get_by_label("I countersign").check()
    countersign.get_by_role("button", name="Countersign").click()
    page.get_by_text("record the consent discussion before countersigning").first.wait_for()
    accessible(page)

    discussion = page.get_by_test_id("discussion-form")
    discussion.get_by_label("By phone").check()
    discussion.get_by_label("Your full name", exact=True).fill("Dr R Patel")
    discussion.get_by_label("Interpreter's language").select_option("ur")
    discussion.get_by_label("Interpreter's full name").fill("Mrs N Akhtar")
    discussion.get_by_label("What they asked").fill("How often are the blood tests?")
    discussion.get_by_label("I answered all of the patient's questions").check()
    discussion.get_by_role("button", name="Record the discussion").click()
    page.get_by_text("Consent discussion recorded").wait_for()

    page.get_by_text("The patient cannot read: an impartial witness").click()
    witness = page.get_by_test_id("witness-form")
    witness.get_by_label("Who read the form aloud").fill("Dr R Patel")
    witness.get_by_label("When it was read").fill("2026-01-05T10:30")
    witness.get_by_label("Witness's full name").fill("Mr J Okafor")
    witness.get_by_label("Witness's signature: their full name again").fill("Mr J Okafor")
    witness.get_by_label("The witness signs this statement").check()
    witness.get_by_label("The witness is independent").check()
    witness.get_by_role("button", name="Record the witness").click()
    page.get_by_text("Witness's statement recorded").wait_for()

    countersign = page.get_by_test_id("countersign-form")
    countersign.get_by_label("Your full name", exact=True).fill("Dr R Patel")
    countersign.get_by_label("Your signature: your full name again").fill("Dr R Patel")
    countersign.get_by_label("I countersign").check()
    countersign.get_by_role("button", name="Countersign").click()
    page.get_by_text("Countersigned: the patient is now consented").wait_for()
    assert page.get_by_test_id("status").inner_text() == "consented"
    table = page.get_by_test_id("attestations").inner_text()
    assert "Mrs N Akhtar" in table and "Mr J Okafor" in table and "Countersignature" in table
    assert "changed since it was recorded" not in table
    shot(page, request, f"researcher-countersigned-{mode}")
    accessible(page)
    page.close()
    text_of_kind(system, mobile, "رضامندی")  # the Urdu confirmation, sent at countersignature

    coordinator = browser.new_page()
    token = str(trial.coordinator.session.headers["Authorization"]).removeprefix("Bearer ")
    sign_in(coordinator, system, token)
    coordinator.goto(f"{system.urls['console']}/trials/{trial.id}/participants/{number}")
    coordinator.get_by_role("heading", name=f"Participant {number}").wait_for()
    assert "Status: consented" in coordinator.get_by_role("main").inner_text()
    assert coordinator.get_by_role("cell", name="awaiting confirmation → consented").is_visible()
    assert coordinator.get_by_role("cell", name="countersigned", exact=True).is_visible()
    assert "Akhtar" not in coordinator.content() and participant_id not in coordinator.content()
    shot(coordinator, request, f"coordinator-consented-{mode}")
    coordinator.close()
    record = trial.record(participant_id)
    assert record["audit_chain_intact"] is True
    assert "Akhtar" not in str(record["history"]) and "Okafor" not in str(record["history"])


def test_a_researcher_takes_consent_by_phone_from_the_patients_record(
    system: System, browser: Any, request: pytest.FixtureRequest
) -> None:
    mode = request.node.callspec.id
    trial = Trial(system, f"PH-{mode[:3]}", "M85032")
    mobile = "+447400123532"
    participant_id = trial.invite(mobile, "en", "14/03/1958", "9990000050")
    number = eventually(lambda: study_number(trial, participant_id), what="a study number")

    page = browser.new_page()
    sign_in(page, system, researcher_of(system, trial))
    page.goto(f"{system.urls['console']}/research/trials/{trial.id}?study_number={number}")
    page.get_by_test_id("phone-consent-link").click()
    form = page.get_by_test_id("phone-form")
    form.wait_for()
    shot(page, request, f"phone-consent-{mode}")
    accessible(page)
    form.locator("#item-read_summary-yes").check()
    form.locator("#item-gp_records-yes").check()
    form.locator("#item-future_studies-no").check()
    form.get_by_label("Agrees to take part").check()
    form.get_by_label("Your full name").fill("Dr R Patel")
    form.get_by_label("Witness's full name").fill("Mr J Okafor")
    form.get_by_label("I read the whole form out").check()
    form.get_by_label("The witness heard").check()
    form.get_by_role("button", name="Record consent by phone").click()
    page.get_by_text(f"Consent by phone recorded for {number}: consented").wait_for()
    assert page.get_by_test_id("status").inner_text() == "consented"
    assert page.get_by_role("cell", name="consented by phone").is_visible()
    page.close()

    text_of_kind(system, mobile, r"consent to the study \S+ is recorded")
    record = trial.record(participant_id)
    assert record["status"] == "consented" and record["audit_chain_intact"] is True
    assert record["history"][-1]["channel"] == "phone"
    assert record["responses"][-1]["items"] == {
        "read_summary": True,
        "gp_records": True,
        "future_studies": False,
    }
    researcher = ApiClient(system.urls["consent"], researcher_of(system, trial))
    kept = researcher.get(f"/trials/{trial.id}/consent-records/{number}/attestations")["items"]
    assert (
        kept[0]["kind"] == "phone_consent" and kept[0]["details"]["witness_name"] == "Mr J Okafor"
    )

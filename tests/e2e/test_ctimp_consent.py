"""Issue 18's "done when", as one journey in Chromium on a phone-sized page, every service its
own process: a Bengali-reading patient of a CTIMP trial (one-time code, understanding
questions, the research team's confirmation) opens the link from the SMS on the phone
simulator, passes the date of birth and the code texted to her, answers the questions (one
wrong first), signs with a drawn signature and downloads the signed copy; a researcher
records a phone discussion with an interpreter and countersigns; the confirming text links to
the copy; the coordinator sees "consented" under the study number. Then a witness flow and a
consent-by-phone flow on the same trial."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import requests

from tests.e2e.conftest import System
from tests.e2e.console_pages import fits_the_screen, open_section, sign_in
from tests.e2e.test_consent_journey import text_of_kind
from tests.e2e.test_research_team import researcher_of
from tests.e2e.test_signature import confirm_dob, draw_with_a_finger
from tests.support.api import ApiClient, eventually
from tests.support.processes import ARTIFACTS
from tests.support.signing import BN_WHOLE_WORDS, english_and_bengali_form, pdf_text

pytestmark = pytest.mark.e2e
PHONE = {"width": 390, "height": 844}
QUESTIONS = [
    {"key": "leave", "options": ["any_time", "never"], "correct": "any_time"},
    {"key": "records", "options": ["gp_notes", "bank"], "correct": "gp_notes"},
]
WORDS = {
    "en": {
        "leave": {"text": "Can you leave the study?",
                  "options": {"any_time": "Yes, at any time", "never": "No, never"},
                  "explanation": "You can leave at any time without giving a reason."},
        "records": {"text": "What will the researchers look at?",
                    "options": {"gp_notes": "My GP records", "bank": "My bank account"},
                    "explanation": "They look only at your GP records."},
    },
    "bn": {
        "leave": {"text": "আপনি কি গবেষণা ছেড়ে দিতে পারেন?",
                  "options": {"any_time": "হ্যাঁ, যেকোনো সময়", "never": "না, কখনও না"},
                  "explanation": "কোনো কারণ না জানিয়ে আপনি যেকোনো সময় ছেড়ে দিতে পারেন।"},
        "records": {"text": "গবেষকরা কী দেখবেন?",
                    "options": {"gp_notes": "আমার জিপি রেকর্ড", "bank": "আমার ব্যাংক হিসাব"},
                    "explanation": "তাঁরা শুধু আপনার জিপি রেকর্ড দেখবেন।"},
    },
}  # fmt: skip
BN_COPY_WORDS = "সম্মতিপত্রের আপনার কপি"  # "your copy of the consent form", migration 0018
BN_CONSENT_RECORDED = "সম্মতি লিপিবদ্ধ হয়েছে"  # "your consent is recorded", only when confirmed


class CtimpTrial:
    """A CTIMP: a form in English and Bengali with understanding questions, a drawn
    signature, the date of birth and a one-time code, and the research team's confirmation."""

    def __init__(self, system: System, short_name: str, practice: str) -> None:
        self.system = system
        self.admin_token = system.token("--name", "admin", "--role", "admin")
        registry = ApiClient(system.urls["registry"], self.admin_token)
        registry.post("/practices", {"ods_code": practice, "name": "Alum Rock Medical Centre"})
        self.trial = registry.post(
            "/trials",
            {"short_name": short_name, "title": "An anticoagulation trial (CTIMP)",
             "sponsor": "Test University", "response_deadline_days": 28},
        )  # fmt: skip
        self.id = self.trial["id"]
        self.practice = practice
        self.staff = ApiClient(
            system.urls["registry"],
            system.token("--name", "staff", "--role", "staff", "--practice", practice),
        )
        body = english_and_bengali_form()
        body["questions"] = QUESTIONS
        for code in ("en", "bn"):
            body["translations"][code]["questions"] = WORDS[code]
        self.form = system.publish_form(self.admin_token, self.id, body, "REC 26/WM/0118")
        admin = ApiClient(system.urls["consent"], self.admin_token)
        self.consent_admin = admin
        admin.request("PUT", f"/trials/{self.id}/signature", 200, json={"signature": "drawn"})
        admin.request("PUT", f"/trials/{self.id}/identity-check", 200,
                      json={"identity_check": "dob_and_code"})  # fmt: skip
        admin.request("PUT", f"/trials/{self.id}/confirmation", 200, json={"required": True})
        self.coordinator_token = system.token(
            "--name", "coord", "--role", "coordinator", "--trial", self.id
        )
        self.researcher_token = researcher_of(system, self)  # type: ignore[arg-type]

    def invite(self, mobile: str, dob: str, nhs: str) -> str:
        patient = self.staff.post(
            "/participants",
            {"practice_ods": self.practice, "nhs_number": nhs, "given_name": "Test",
             "family_name": "Patient", "date_of_birth": dob, "mobile": mobile,
             "language": "bn", "sex": "female", "ethnic_category": "K", "imd_decile": 1,
             "imd_edition": 2019},
        )  # fmt: skip
        requested = self.staff.post(
            f"/trials/{self.id}/invitations",
            {"practice_ods": self.practice, "participant_ids": [patient["id"]]},
            expect=202,
        )
        self.system.send_batch(self.admin_token, requested["batch_id"])
        return str(patient["id"])

    def study_number(self, participant_id: str) -> str:
        def found() -> str | None:
            trials = self.consent_admin.get(f"/participants/{participant_id}/consent")["trials"]
            numbers = [t["study_number"] for t in trials if t["trial_id"] == self.id]
            return str(numbers[0]) if numbers and numbers[0] else None

        return str(eventually(found, what="a study number"))

    def record(self, number: str) -> Any:
        coordinator = ApiClient(self.system.urls["consent"], self.coordinator_token)
        return coordinator.get(f"/trials/{self.id}/consent-records/{number}")


def shot(page: Any, name: str) -> None:
    folder = ARTIFACTS / "ctimp"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def phone_of(browser: Any) -> Any:
    return browser.new_context(
        viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=3,
        accept_downloads=True,
    )  # fmt: skip


def simulator(page: Any, system: System, mobile: str) -> None:
    page.goto(f"{system.urls['twilio']}/phone?number={quote(mobile)}")


def newest_text(page: Any, system: System, mobile: str, pattern: str) -> str:
    """The newest text on the simulator's screen matching `pattern` (reloaded until it is)."""

    def shown() -> str | None:
        simulator(page, system, mobile)
        bodies = page.get_by_test_id("message-text").all_inner_texts()
        return next((b for b in reversed(bodies) if re.search(pattern, b)), None)

    return str(eventually(shown, what=f"a text matching {pattern!r} on the phone"))


def open_link_from_the_sms(page: Any, system: System, mobile: str) -> None:
    """The patient replies YES on the simulator, then taps the link texted back."""
    newest_text(page, system, mobile, r"\bYES\b")  # the invitation, in Bengali
    page.get_by_test_id("reply-input").fill("YES")
    page.get_by_test_id("reply-send").click()
    newest_text(page, system, mobile, r"/c/\S+")
    page.get_by_test_id("message-text").locator("a[href*='/c/']").last.click()
    page.get_by_test_id("dob-day").wait_for()


def pass_the_code(page: Any, system: System, mobile: str, context: Any) -> None:
    """The code texted to her, read on the simulator in another tab."""
    page.get_by_test_id("code").wait_for()
    texts = context.new_page()
    body = newest_text(texts, system, mobile, r"\b\d{6}\b")
    texts.close()
    page.get_by_test_id("code").fill(re.search(r"\b(\d{6})\b", body).group(1))  # type: ignore[union-attr]
    page.get_by_test_id("code-continue").click()


def answer_the_questions(page: Any, mode: str) -> None:
    """One wrong answer first: its explanation shows and it is asked again."""
    page.get_by_test_id("q-leave-never").check()
    page.get_by_test_id("q-records-gp_notes").check()
    page.get_by_test_id("check-continue").click()
    explanation = page.get_by_test_id("explanation-leave")
    explanation.wait_for()
    assert WORDS["bn"]["leave"]["explanation"] in explanation.inner_text()
    shot(page, f"bn-2-explanation-{mode}")
    page.get_by_test_id("q-leave-any_time").check()
    page.get_by_test_id("check-continue").click()


def draw_with_the_mouse(page: Any) -> None:
    """A zigzag drawn with the mouse: pointerdown, pointermoves, pointerup."""
    pad = page.get_by_test_id("signature-pad")
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    assert box and box["width"] >= 300
    x0, y0 = box["x"] + 20, box["y"] + box["height"] * 0.7
    page.mouse.move(x0, y0)
    page.mouse.down()
    for i in range(1, 18):
        page.mouse.move(x0 + i * 14, y0 - (i % 2) * box["height"] * 0.45, steps=3)
    page.mouse.up()


def patient_signs(browser: Any, system: System, mobile: str, mode: str, finger: bool) -> bytes:
    """From the SMS to the signed copy, on a phone; returns the PDF downloaded."""
    context = phone_of(browser)
    page = context.new_page()
    open_link_from_the_sms(page, system, mobile)
    assert page.locator("html").get_attribute("lang") == "bn"
    confirm_dob(page, "9", "11", "1958")
    pass_the_code(page, system, mobile, context)
    answer_the_questions(page, mode)
    page.get_by_test_id("item-read_summary").check()
    page.get_by_test_id("item-gp_records").check()
    (draw_with_a_finger if finger else draw_with_the_mouse)(page)
    drawing = page.locator("input[name=drawing]").input_value()
    assert re.fullmatch(r"M[\d. ]+( L[\d. ]+){7,}", drawing), drawing
    shot(page, f"bn-3-signed-{mode}")
    page.get_by_test_id("agree").click()
    page.get_by_test_id("awaiting-confirmation").wait_for()
    fits_the_screen(page)
    shot(page, f"bn-4-awaiting-{mode}")
    with page.expect_download() as download:
        page.get_by_test_id("download-copy").click()
    pdf = Path(download.value.path()).read_bytes()
    context.close()
    return pdf


def a_bengali_copy(pdf: bytes, content_hash: str) -> str:
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf)
    for word in BN_WHOLE_WORDS:
        assert word in text, word
    assert content_hash in re.sub(r"\s+", "", text)
    return text


def researcher_confirms(
    browser: Any, system: System, trial: CtimpTrial, number: str, witness: bool
) -> None:
    """In the console: a phone discussion with a Bengali interpreter (and, for a patient who
    cannot read, an impartial witness), then the countersignature."""
    page = browser.new_page()
    sign_in(page, system, trial.researcher_token)
    open_section(page, "Consent to confirm")
    page.get_by_role("link", name=trial.trial["short_name"], exact=True).click()
    page.get_by_test_id("awaiting").get_by_role("link", name=number).click()
    discussion = page.get_by_test_id("discussion-form")
    discussion.get_by_label("By phone").check()
    discussion.get_by_label("Your full name", exact=True).fill("Dr R Patel")
    discussion.get_by_label("Interpreter's language").select_option("bn")
    discussion.get_by_label("Interpreter's full name").fill("Mrs F Rahman")
    discussion.get_by_label("What they asked").fill("Will the tablets affect my other medicine?")
    discussion.get_by_label("I answered all of the patient's questions").check()
    discussion.get_by_role("button", name="Record the discussion").click()
    page.get_by_text("Consent discussion recorded").wait_for()
    if witness:
        page.get_by_text("The patient cannot read: an impartial witness").click()
        form = page.get_by_test_id("witness-form")
        form.get_by_label("Who read the form aloud").fill("Dr R Patel")
        form.get_by_label("When it was read").fill("2026-01-05T10:30")
        form.get_by_label("Witness's full name").fill("Mr J Okafor")
        form.get_by_label("Witness's signature: their full name again").fill("Mr J Okafor")
        form.get_by_label("The witness signs this statement").check()
        form.get_by_label("The witness is independent").check()
        form.get_by_role("button", name="Record the witness").click()
        page.get_by_text("Witness's statement recorded").wait_for()
    countersign = page.get_by_test_id("countersign-form")
    countersign.get_by_label("Your full name", exact=True).fill("Dr R Patel")
    countersign.get_by_label("Your signature: your full name again").fill("Dr R Patel")
    countersign.get_by_label("I countersign").check()
    countersign.get_by_role("button", name="Countersign").click()
    page.get_by_text("Countersigned: the patient is now consented").wait_for()
    table = page.get_by_test_id("attestations").inner_text()
    kinds = [row.split("\t")[1] for row in table.splitlines()[1:]]
    assert "Mrs F Rahman" in table and kinds[-1] == "Countersignature"
    assert ("Witness" in kinds) == witness
    page.close()


def copy_from_the_confirming_text(system: System, mobile: str) -> bytes:
    """The text after the countersignature, in Bengali, links to the copy: the link alone
    opens it (no date of birth, no cookie), and it is no record id."""
    # The awaiting text links to the copy too (migration 0020): this is the one that confirms.
    confirming = re.escape(BN_CONSENT_RECORDED) + ".*" + re.escape(BN_COPY_WORDS)
    body = text_of_kind(system, mobile, confirming)["body"]
    assert body.startswith("ধন্যবাদ")  # "thank you": the confirmation, in Bengali
    link = re.search(r"(https?://\S+/copy/(\S+))", body)
    assert link, body
    assert re.fullmatch(r"[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{22,}", link.group(2)), link.group(2)
    response = requests.get(link.group(1), timeout=60)
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"] == "application/pdf"
    for log in system.procs.log_dir.glob("*.log"):  # the fake Twilio plays the provider
        assert log.name == "twilio.log" or link.group(2) not in log.read_text(), log.name
    return response.content


def coordinator_sees_consented(
    browser: Any, system: System, trial: CtimpTrial, number: str, participant_id: str
) -> None:
    page = browser.new_page()
    sign_in(page, system, trial.coordinator_token)
    page.goto(f"{system.urls['console']}/trials/{trial.id}/participants/{number}")
    page.get_by_role("heading", name=f"Participant {number}").wait_for()
    assert "Status: consented" in page.get_by_role("main").inner_text()
    assert participant_id not in page.content() and "Rahman" not in page.content()
    page.close()
    record = trial.record(number)
    assert record["status"] == "consented" and record["audit_chain_intact"] is True


def test_a_bengali_patient_of_a_ctimp_consents_and_the_research_team_countersigns(
    system: System, browser: Any, request: pytest.FixtureRequest
) -> None:
    mode = request.node.callspec.id
    trial = CtimpTrial(system, f"CT-{mode[:3]}", "M85061")
    mobile = "+447400123561"
    participant_id = trial.invite(mobile, "09/11/1958", "9990000034")

    pdf = patient_signs(browser, system, mobile, mode, finger=False)
    text = a_bengali_copy(pdf, trial.form["content_hash"])
    (ARTIFACTS / "ctimp").mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "ctimp" / f"bn-copy-{mode}.pdf").write_bytes(pdf)
    number = trial.study_number(participant_id)
    assert number in text
    assert trial.record(number)["status"] == "awaiting_confirmation"
    text_of_kind(system, mobile, "গবেষণা দলের")  # the Bengali "the team confirms next" text

    researcher_confirms(browser, system, trial, number, witness=False)
    copy = copy_from_the_confirming_text(system, mobile)
    confirmed = a_bengali_copy(copy, trial.form["content_hash"])
    # The copy now shows the team's part: the researcher and the interpreter by name.
    assert "Dr R Patel" in confirmed and "Mrs F Rahman" in confirmed
    coordinator_sees_consented(browser, system, trial, number, participant_id)


def test_a_patient_who_cannot_read_consents_before_an_impartial_witness(
    system: System, browser: Any, request: pytest.FixtureRequest
) -> None:
    mode = request.node.callspec.id
    trial = CtimpTrial(system, f"CW-{mode[:3]}", "M85062")
    mobile = "+447400123562"
    participant_id = trial.invite(mobile, "09/11/1958", "9990000042")

    pdf = patient_signs(browser, system, mobile, f"witness-{mode}", finger=True)
    a_bengali_copy(pdf, trial.form["content_hash"])
    number = trial.study_number(participant_id)

    researcher_confirms(browser, system, trial, number, witness=True)
    copy = copy_from_the_confirming_text(system, mobile)
    assert "Mr J Okafor" in a_bengali_copy(copy, trial.form["content_hash"])  # the witness
    coordinator_sees_consented(browser, system, trial, number, participant_id)


def test_a_researcher_takes_consent_by_phone_then_countersigns(
    system: System, browser: Any, request: pytest.FixtureRequest
) -> None:
    mode = request.node.callspec.id
    trial = CtimpTrial(system, f"CP-{mode[:3]}", "M85063")
    mobile = "+447400123563"
    participant_id = trial.invite(mobile, "09/11/1958", "9990000050")
    number = trial.study_number(participant_id)

    page = browser.new_page()
    sign_in(page, system, trial.researcher_token)
    page.goto(f"{system.urls['console']}/research/trials/{trial.id}?study_number={number}")
    page.get_by_test_id("phone-consent-link").click()
    # The form opens in the patient's language, to be read out in it.
    assert page.get_by_label("Language you read it out in").input_value() == "bn"
    form = page.get_by_test_id("phone-form")
    form.get_by_text("হৃদস্পন্দন পরীক্ষা").first.wait_for()  # the Bengali title, read out
    form.locator("#item-read_summary-yes").check()
    form.locator("#item-gp_records-yes").check()
    form.locator("#item-future_studies-no").check()
    form.get_by_label("Agrees to take part").check()
    form.get_by_label("Your full name").fill("Dr R Patel")
    form.get_by_label("Witness's full name").fill("Mr J Okafor")
    form.get_by_label("I read the whole form out").check()
    form.get_by_label("The witness heard").check()
    form.get_by_role("button", name="Record consent by phone").click()
    page.get_by_text(f"Consent by phone recorded for {number}: awaiting confirmation").wait_for()
    shot(page, f"phone-consent-{mode}")
    page.close()
    assert trial.record(number)["status"] == "awaiting_confirmation"  # a CTIMP: the team confirms

    researcher_confirms(browser, system, trial, number, witness=False)
    # The copy of what was read out (in Bengali) and answered: no signature, the answers.
    copy = a_bengali_copy(copy_from_the_confirming_text(system, mobile), trial.form["content_hash"])
    assert number in copy
    coordinator_sees_consented(browser, system, trial, number, participant_id)
    record = trial.record(number)
    by_phone = [e for e in record["history"] if e["channel"] == "phone"]
    assert [e["to_status"] for e in by_phone] == ["awaiting_confirmation"]

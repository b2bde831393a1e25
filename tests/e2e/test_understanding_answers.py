"""Understanding questions in Chromium, services as processes (decision 35): an Urdu-reading
patient answers a question wrong on their phone, reads the explanation, answers again and
agrees; the coordinator's record page then shows the question in Urdu, wrong the first
time, with both answers in order."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.conftest import System
from tests.e2e.console_pages import accessible, shot, sign_in
from tests.e2e.test_consent_journey import FORM, PHONE, Trial, link_after_yes
from tests.e2e.test_research_team import study_number

pytestmark = pytest.mark.e2e
QUESTION = "کیا آپ تحقیق چھوڑ سکتے ہیں؟"
WORDS = {
    "en": {
        "text": "Can you leave the study?",
        "options": {"any_time": "Yes, at any time", "never": "No, never"},
        "explanation": "You can leave at any time without giving a reason.",
    },
    "ur": {
        "text": QUESTION,
        "options": {"any_time": "ہاں، کسی بھی وقت", "never": "نہیں، کبھی نہیں"},
        "explanation": "آپ بغیر وجہ بتائے کسی بھی وقت تحقیق چھوڑ سکتے ہیں",
    },
}
FORM_WITH_A_QUESTION: dict[str, Any] = {
    **FORM,
    "questions": [{"key": "leave", "options": ["any_time", "never"], "correct": "any_time"}],
    "translations": {
        code: {**words, "questions": {"leave": WORDS[code]}}
        for code, words in FORM["translations"].items()
    },
}


def test_the_coordinator_sees_a_wrong_first_answer_in_the_language_it_was_asked(
    system: System, browser: Any, request: pytest.FixtureRequest
) -> None:
    mode = request.node.callspec.id
    trial = Trial(system, f"UQ-{mode[:3]}", "M85033", FORM_WITH_A_QUESTION)
    mobile = "+447400123533"
    participant_id = trial.invite(mobile, "ur", "03/08/1962", "9990000069")
    link = link_after_yes(system, mobile)

    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    patient = context.new_page()
    patient.goto(link)
    patient.get_by_test_id("dob-day").fill("3")
    patient.get_by_test_id("dob-month").fill("8")
    patient.get_by_test_id("dob-year").fill("1962")
    patient.get_by_test_id("dob-continue").click()
    patient.get_by_test_id("q-leave-never").check()
    patient.get_by_test_id("check-continue").click()
    patient.get_by_test_id("explanation-leave").wait_for()
    patient.get_by_test_id("q-leave-any_time").check()
    patient.get_by_test_id("check-continue").click()
    patient.get_by_test_id("item-read_summary").check()
    patient.get_by_test_id("item-gp_records").check()
    patient.get_by_test_id("agree").click()
    patient.get_by_test_id("confirmation").wait_for()
    context.close()

    number = study_number(trial, participant_id)
    page = browser.new_page()
    token = str(trial.coordinator.session.headers["Authorization"]).removeprefix("Bearer ")
    sign_in(page, system, token)
    page.goto(f"{system.urls['console']}/trials/{trial.id}/participants/{number}")
    answers = page.get_by_test_id("understanding")
    answers.wait_for()
    text = answers.inner_text()
    assert QUESTION in text and "Wrong" in text and "Urdu" in text
    assert text.index("نہیں، کبھی نہیں") < text.index("ہاں، کسی بھی وقت")
    shot(page, request, f"understanding-{mode}")
    accessible(page)
    page.close()

"""An admin edits a draft consent form version's understanding questions in the console, one
question at a time in each language of the draft (decision 35), over fake services."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from flask.testing import FlaskClient

from services.console.domain.consent_forms import with_translation
from services.console.domain.form_questions import (
    error_field,
    question_body,
    question_fields,
    with_question_words,
)
from shared.web.csrf import FIELD
from tests.support.console_fakes import FakeServices, console_over, csrf_field, signed_in_as

TRIAL = "7d3f6a0e-0b7e-4b8e-9a57-1f0f1d7c2a11"
FORM_PATH = f"/trials/{TRIAL}/forms/3"
PAGE = f"/admin/consent-forms/{TRIAL}/3"
LEAVE = {"key": "leave", "options": ["any_time", "never"], "correct": "any_time"}
EN_WORDS = {"text": "Can you leave the study?", "explanation": "At any time.",
            "options": {"any_time": "Yes, at any time", "never": "No, never"}}  # fmt: skip
UR_WORDS = {"text": "کیا آپ تحقیق چھوڑ سکتے ہیں؟", "explanation": "کسی بھی وقت",
            "options": {"any_time": "ہاں", "never": "نہیں"}}  # fmt: skip
DRAFT: dict[str, Any] = {
    "trial_id": TRIAL, "version": 3, "status": "draft", "requires_reconsent": False,
    "items": [{"key": "gp", "mandatory": True}],
    "questions": [LEAVE],
    "translations": {
        "en": {"title": "Heart study", "summary": "What it is", "sheet_url": "https://x",
               "items": {"gp": "You may read my GP record"}, "questions": {"leave": EN_WORDS}},
        "ur": {"title": "دل", "summary": "یہ کیا ہے", "sheet_url": "https://x",
               "items": {"gp": "جی پی ریکارڈ"}, "questions": {"leave": UR_WORDS}},
    },
}  # fmt: skip


def services(form: dict[str, Any]) -> FakeServices:
    fake = FakeServices()
    fake.routes[("GET", FORM_PATH)] = lambda _: (200, form)
    fake.routes[("GET", f"/trials/{TRIAL}/forms")] = lambda _: (200, [form])
    fake.routes[("GET", f"/trials/{TRIAL}")] = lambda _: (200, {"id": TRIAL, "short_name": "AF"})
    return fake


@pytest.fixture
def fake() -> FakeServices:
    return services(copy.deepcopy(DRAFT))


@pytest.fixture
def client(fake: FakeServices) -> FlaskClient:
    return signed_in_as(console_over(fake).test_client(), "admin")


def test_the_draft_lists_its_questions_with_a_way_to_change_remove_and_add(
    client: FlaskClient,
) -> None:
    html = client.get(PAGE).get_data(as_text=True)

    table = html.split('data-testid="questions"', 1)[1].split("</table>", 1)[0]
    assert "Can you leave the study?" in table and "Yes, at any time" in table
    assert "en, ur" in table
    assert f"{PAGE}/questions/leave" in table and f"{PAGE}/questions/leave/remove" in table
    assert f"{PAGE}/questions/new" in html


def test_a_published_version_shows_its_questions_and_offers_no_change() -> None:
    published = {**copy.deepcopy(DRAFT), "status": "published", "published_at": "2026-12-01",
                 "ethics_reference": "REC 1"}  # fmt: skip
    client = signed_in_as(console_over(services(published)).test_client(), "admin")

    html = client.get(PAGE).get_data(as_text=True)
    question = client.get(f"{PAGE}/questions/leave").get_data(as_text=True)

    assert "Can you leave the study?" in html and "/questions/new" not in html
    assert "/questions/leave/remove" not in html
    assert "can no longer change" in question and 'data-testid="question-form"' not in question


def test_a_new_question_goes_to_consent_with_its_words_in_each_language(
    client: FlaskClient, fake: FakeServices
) -> None:
    fake.routes[("PUT", f"{FORM_PATH}/questions/why")] = lambda body: (200, DRAFT)
    page = client.get(f"{PAGE}/questions/new").get_data(as_text=True)
    form = {FIELD: csrf_field(client), "key": "why", "option_1": "care", "option_2": "Money",
            "correct": "1", "text_en": " Why this study? ", "words_en_1": "Better care",
            "words_en_2": "Money", "explanation_en": "It aims at better care.",
            "text_ur": "کیوں؟", "words_ur_1": "بہتر دیکھ بھال", "words_ur_2": "پیسہ",
            "explanation_ur": "بہتر دیکھ بھال"}  # fmt: skip

    answer = client.post(f"{PAGE}/questions/new", data=form)

    assert 'id="text_ur"' in page and 'lang="ur" dir="rtl"' in page
    assert answer.status_code == 302 and answer.headers["Location"].endswith(f"{PAGE}#questions")
    [(_, _, sent)] = [s for s in fake.sent if s[0] == "PUT"]
    assert sent["options"] == ["care", "money"] and sent["correct"] == "care"
    assert sent["words"]["en"] == {
        "text": "Why this study?",
        "options": {"care": "Better care", "money": "Money"},
        "explanation": "It aims at better care.",
    }
    assert sent["words"]["ur"]["options"] == {"care": "بہتر دیکھ بھال", "money": "پیسہ"}


def test_a_refused_question_shows_each_reason_beside_its_field(
    client: FlaskClient, fake: FakeServices
) -> None:
    problem = {"title": "Invalid input", "status": 422, "detail": "not complete", "errors": [
        {"field": "words.ur.text", "reason": "Shorter than minimum length 1."},
        {"field": "correct", "reason": "must be one of the options"},
    ]}  # fmt: skip
    fake.routes[("PUT", f"{FORM_PATH}/questions/leave")] = lambda _: (422, problem)

    answer = client.post(
        f"{PAGE}/questions/leave", data={FIELD: csrf_field(client), "option_1": "any_time"}
    )

    html = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert 'id="text_ur-error"' in html and "Question in Urdu: Shorter" in html
    assert 'id="correct-error"' in html and "The right answer: must be one of the options" in html
    assert 'value="any_time"' in html, "what was typed is kept"


def test_removing_a_question_asks_consent_to_delete_it(
    client: FlaskClient, fake: FakeServices
) -> None:
    fake.routes[("DELETE", f"{FORM_PATH}/questions/leave")] = lambda _: (200, DRAFT)

    answer = client.post(f"{PAGE}/questions/leave/remove", data={FIELD: csrf_field(client)})

    assert answer.status_code == 302
    assert ("DELETE", f"{FORM_PATH}/questions/leave") in [(m, p) for m, p, _ in fake.sent]


def test_the_question_page_is_filled_from_the_draft() -> None:
    fields = question_fields(DRAFT, "leave")

    assert (fields["option_1"], fields["option_2"], fields["correct"]) == ("any_time", "never", "1")
    assert (fields["text_ur"], fields["words_ur_2"]) == (UR_WORDS["text"], "نہیں")
    assert question_fields(DRAFT, "new") == {}
    assert question_body(fields, ["en", "ur"])["words"]["ur"] == UR_WORDS


def test_problem_fields_name_the_page_s_fields() -> None:
    options = ["any_time", "never"]
    assert error_field("words.ur.explanation", options) == "explanation_ur"
    assert error_field("words.ur.options", options) == "words_ur_1"
    assert error_field("words.pl", options) == "text_pl"
    assert error_field("options", options) == "option_1"
    assert error_field("key", options) == "key"


def test_a_translation_added_to_a_draft_keeps_the_questions_with_their_words() -> None:
    fields = {"qtext_leave": "Czy można odejść?", "qexplanation_leave": "Tak.",
              "qword_leave_any_time": "Tak", "qword_leave_never": "Nie"}  # fmt: skip
    polish = with_question_words({"title": "Serce"}, DRAFT, fields)

    body = with_translation(DRAFT, "pl", polish)

    assert body["questions"] == [LEAVE]
    assert body["translations"]["pl"]["questions"]["leave"]["options"] == {
        "any_time": "Tak",
        "never": "Nie",
    }
    assert body["translations"]["ur"]["questions"]["leave"] == UR_WORDS

"""The patient page's language form over a fake registry: staff set a listed language, a
script, or any other the registry reads; what it cannot read is shown beside the input used;
another practice's patient is not found, as everywhere."""

from __future__ import annotations

from html import unescape
from typing import Any

import pytest
from flask.testing import FlaskClient

from shared.languages import best_text, interpreter_may_be_needed, parse_language
from shared.web import csrf
from tests.support.console_fakes import FakeServices, console_over, csrf_field, signed_in_as

PATIENT_ID = "5b1f0c3e-6a2d-4e8f-9b7c-0d1e2f3a4b5c"
OTHER_PRACTICES = "9e8d7c6b-5a49-4c3b-8a2f-1e0d9c8b7a69"
PAGE = f"/practice/patients/{PATIENT_ID}"


class Registry(FakeServices):
    """The registry's patient and its PATCH as the API answers: the language read with
    shared.languages, or a problem naming the field, and 404 for another practice's patient."""

    def __init__(self) -> None:
        super().__init__()
        self.patient: dict[str, Any] = {
            "id": PATIENT_ID,
            "given_name": "نسرین",
            "family_name": "اختر",
            "nhs_number": "4010232137",
            "practice_ods": "M85001",
            "date_of_birth": "1958-11-02",
            "mobile": "+447400123777",
            "textable": True,
            "interpreter_needed": False,
            "opted_out": False,
            "trials": [],
        }
        self.speaks("und")
        self.routes[("GET", f"/participants/{PATIENT_ID}")] = lambda _: (200, self.patient)
        self.routes[("PATCH", f"/participants/{PATIENT_ID}")] = self.correct
        self.routes[("GET", "/trials")] = lambda _: (200, [])

    def speaks(self, code: str) -> None:
        self.patient.update(
            language=code,
            texted_in=best_text(code),
            interpreter_may_be_needed=interpreter_may_be_needed(code),
        )

    def correct(self, body: dict[str, str]) -> tuple[int, Any]:
        found = parse_language(body["language"])
        if found is None:
            reason = f"{body['language']!r} is not a language we know"
            problem = {"title": "Unprocessable Entity", "status": 422}
            return 422, {**problem, "errors": [{"field": "language", "reason": reason}]}
        self.speaks(found.code)
        return 200, self.patient


@pytest.fixture
def registry() -> Registry:
    return Registry()


@pytest.fixture
def staff(registry: Registry) -> FlaskClient:
    return signed_in_as(console_over(registry).test_client(), "staff")


def patches(registry: Registry) -> list[Any]:
    return [body for method, _, body in registry.sent if method == "PATCH"]


def set_language(staff: FlaskClient, patient: str = PATIENT_ID, **form: str) -> Any:
    return staff.post(
        f"/practice/patients/{patient}/language", data={csrf.FIELD: csrf_field(staff), **form}
    )


def test_an_unknown_language_shows_english_texts_an_interpreter_and_asks_staff_to_set_it(
    staff: FlaskClient,
) -> None:
    page = unescape(staff.get(PAGE).get_data(True))

    assert 'data-testid="language"><a href="#language-form">Unknown language</a>' in page
    assert 'data-testid="texted-in">English<' in page
    assert 'data-testid="interpreter">May be needed<' in page
    assert "Ask the patient, then set it here" in page


def test_the_form_sets_a_listed_language_through_the_registry(
    staff: FlaskClient, registry: Registry
) -> None:
    response = set_language(staff, language="ur")
    page = unescape(staff.get(response.headers["Location"]).get_data(True))

    assert response.status_code == 302 and response.headers["Location"] == PAGE
    assert patches(registry) == [{"language": "ur"}]
    assert "Language set to Urdu." in page
    assert 'data-testid="texted-in">Urdu<' in page
    assert 'data-testid="interpreter">Not needed<' in page
    assert '<option value="ur" selected>Urdu</option>' in page


def test_a_script_is_offered_as_its_own_choice_and_kept(
    staff: FlaskClient, registry: Registry
) -> None:
    page = staff.get(PAGE).get_data(True)
    assert '<option value="pa-Arab">Punjabi (Shahmukhi)</option>' in page
    assert '<option value="zh-Hant">Chinese (traditional)</option>' in page

    set_language(staff, language="pa-Arab")

    assert patches(registry) == [{"language": "pa-Arab"}]
    assert registry.patient["language"] == "pa-Arab"


def test_a_language_typed_is_sent_instead_of_the_list_and_shown_with_its_interpreter(
    staff: FlaskClient, registry: Registry
) -> None:
    response = set_language(staff, language="ur", other_language=" Tigrinya ")
    page = unescape(staff.get(response.headers["Location"]).get_data(True))

    assert patches(registry) == [{"language": "Tigrinya"}]
    assert 'data-testid="language"><a href="#language-form">Tigrinya</a>' in page
    assert 'data-testid="interpreter">May be needed<' in page


def test_an_unreadable_name_is_shown_beside_the_input_it_was_typed_in(
    staff: FlaskClient, registry: Registry
) -> None:
    response = set_language(staff, other_language="Patois Creole")
    page = unescape(response.get_data(True))

    assert response.status_code == 422
    beside = page.split('id="other_language-error"', 1)[1].split("</span>", 2)[1]
    assert "'Patois Creole' is not a language we know" in beside
    assert 'value="Patois Creole"' in page  # what was typed, shown back
    assert 'href="#other_language"' in page  # the summary links to it
    assert registry.patient["language"] == "und"


def test_choosing_nothing_asks_for_a_language_without_calling_the_registry(
    staff: FlaskClient, registry: Registry
) -> None:
    response = set_language(staff, language="", other_language="  ")

    assert response.status_code == 400
    assert 'id="language-error"' in response.get_data(True)
    assert patches(registry) == []


def test_staff_of_another_practice_are_told_the_patient_is_not_found(
    staff: FlaskClient, registry: Registry
) -> None:
    response = set_language(staff, patient=OTHER_PRACTICES, language="ur")

    assert response.status_code == 404
    assert patches(registry) == [{"language": "ur"}]  # the registry decides, and refuses


def test_the_form_needs_its_csrf_token(staff: FlaskClient, registry: Registry) -> None:
    response = staff.post(f"{PAGE}/language", data={"language": "ur"})

    assert response.status_code == 403
    assert patches(registry) == []


def test_the_patients_name_is_isolated_so_right_to_left_names_keep_their_order(
    staff: FlaskClient,
) -> None:
    page = staff.get(PAGE).get_data(True)

    assert '<h1 class="nhsuk-heading-l"><bdi>نسرین اختر</bdi></h1>' in page


def test_a_coordinator_cannot_set_a_language(registry: Registry) -> None:
    coordinator = signed_in_as(console_over(registry).test_client(), "coordinator")

    assert set_language(coordinator, language="ur").status_code == 403
    assert patches(registry) == []

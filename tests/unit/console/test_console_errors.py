"""Console errors say what happened and what to do, in the NHS error-message style: a summary
at the top linking to each field, the message by the field; nothing typed is dropped."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from services.console.domain.cohort_form import cohort_body
from tests.support.console_fakes import FakeServices, console_over, csrf_field, signed_in_as

TRIAL = "0b7d6a5e-3f31-4bb4-8d3c-9d2c1e0f4a11"


@pytest.fixture
def services() -> FakeServices:
    fake = FakeServices()
    fake.routes[("GET", f"/trials/{TRIAL}")] = lambda _: (200, {"id": TRIAL, "short_name": "DAYS"})
    fake.routes[("POST", f"/trials/{TRIAL}/cohorts")] = lambda _: (201, {"id": TRIAL})
    fake.routes[("GET", "/practices/M85001/imports")] = lambda _: (200, [])
    return fake


@pytest.fixture
def staff(services: FakeServices) -> FlaskClient:
    return signed_in_as(console_over(services).test_client(), "staff")


def cohort_form(client: FlaskClient, **answers: Any) -> dict[str, Any]:
    return {"csrf_token": csrf_field(client), "name": "Adults", "textable_only": "1", **answers}


def test_an_age_in_words_is_an_error_by_its_field_not_a_cohort_of_any_age(
    staff: FlaskClient, services: FakeServices
) -> None:
    response = staff.post(
        f"/practice/trials/{TRIAL}/cohorts", data=cohort_form(staff, age_min="forty")
    )
    page = response.get_data(True)
    assert response.status_code == 400
    assert not [s for s in services.sent if s[0] == "POST"], "nothing is saved"
    assert "There is a problem" in page
    assert '<a href="#age_min">Age from must be a whole number of years, like 18</a>' in page
    assert 'id="age-error"' in page and "nhsuk-input--error" in page
    assert 'value="forty"' in page  # shown back as typed
    assert "<title>Error: Build a cohort" in page


def test_a_good_age_is_sent_as_a_number(staff: FlaskClient, services: FakeServices) -> None:
    response = staff.post(
        f"/practice/trials/{TRIAL}/cohorts", data=cohort_form(staff, age_min=" 18 ", age_max="65")
    )
    assert response.status_code == 302
    [(_, _, body)] = [s for s in services.sent if s[0] == "POST"]
    assert body["criteria"]["age_min"] == 18 and body["criteria"]["age_max"] == 65


@pytest.mark.parametrize(
    ("answers", "field", "says"),
    [
        ({"name": " "}, "name", "Enter a name for the cohort"),
        ({"age_max": "12.5"}, "age_max", "Age to must be a whole number"),
        ({"age_min": "200"}, "age_min", "Age from must be 120 or less"),
        ({"age_min": "70", "age_max": "60"}, "age_max", "Age to must be 70 or more"),
        ({"imd_deciles": "eleven"}, "imd_deciles", "Choose IMD deciles from the list"),
    ],
)
def test_each_wrong_answer_is_named_with_what_to_do(
    answers: dict[str, str], field: str, says: str
) -> None:
    form = {"name": "Adults", **answers}
    _, errors = cohort_body("M85001", form.get, lambda k: [form[k]] if k in form else [])
    assert [target for target, _ in errors.summary] == [field]
    assert errors.on(field)[0].startswith(says)


def test_a_refusal_from_the_registry_is_placed_by_its_field(
    staff: FlaskClient, services: FakeServices
) -> None:
    services.routes[("POST", f"/trials/{TRIAL}/cohorts")] = lambda _: (
        422,
        {
            "title": "Unprocessable Entity",
            "status": 422,
            "errors": [{"field": "criteria.age_max", "reason": "Enter an age of 120 or less"}],
        },
    )
    response = staff.post(
        f"/practice/trials/{TRIAL}/cohorts", data=cohort_form(staff, age_max="119")
    )
    page = response.get_data(True)
    assert response.status_code == 422
    assert '<a href="#age_max">Age to: Enter an age of 120 or less</a>' in page
    assert "Unprocessable Entity" not in page


def test_a_page_outside_the_role_is_a_plain_page_not_the_frameworks_text(
    staff: FlaskClient,
) -> None:
    response = staff.get("/trials")
    page = response.get_data(True)
    assert response.status_code == 403
    assert "You cannot open this page" in page
    assert "Your access token does not cover this page" in page
    assert "What to do next" in page and "Ask your administrator" in page
    assert "permission to access the requested resource" not in page
    assert ">Forbidden<" not in page


def test_another_practice_is_refused_in_plain_words(staff: FlaskClient) -> None:
    page = staff.get("/practice/patients?practice=Y99999").get_data(True)
    assert "You cannot open this page" in page
    assert "requested resource" not in page


def test_an_upload_without_a_file_links_to_the_file_field(staff: FlaskClient) -> None:
    response = staff.post("/practice/imports", data={"csrf_token": csrf_field(staff)})
    page = response.get_data(True)
    assert response.status_code == 400
    assert '<a href="#file">File: Select the patient list file (CSV or JSON)</a>' in page
    assert 'id="file-error"' in page

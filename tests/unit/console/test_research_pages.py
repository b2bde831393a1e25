"""The researcher's console pages over fake services (decision 0032): the record page's
forms post to consent as typed, refusals are shown beside their fields, consent by phone
reads the newest form out and can start from a callback's participant."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from services.console.domain import research
from services.console.domain.navigation import may_open, sections_for
from shared.web.csrf import FIELD
from tests.support.console_fakes import FakeServices, console_over, csrf_field, signed_in_as

TRIAL = "7d3f6a0e-0b7e-4b8e-9a57-1f0f1d7c2a11"
NUMBER = "DEMO-AF-000123"
RECORD_PATH = f"/trials/{TRIAL}/consent-records/{NUMBER}"
PAGE = f"/research/trials/{TRIAL}/participants/{NUMBER}"
FORM = {
    "version": 2,
    "status": "published",
    "items": [{"key": "gp", "mandatory": True}, {"key": "later", "mandatory": False}],
    "translations": {
        "en": {"title": "Heart study", "summary": "What it is", "sheet_url": "https://x",
               "items": {"gp": "You may read my GP record", "later": "Ask me later"}},
        "bn": {"title": "হৃদয় গবেষণা", "summary": "এটি কী", "sheet_url": "https://x",
               "items": {"gp": "আমার জিপি রেকর্ড", "later": "পরে জিজ্ঞাসা"}},
    },
}  # fmt: skip


def services(status: str = "awaiting_confirmation", **more: Any) -> FakeServices:
    fake = FakeServices()
    record = {"study_number": NUMBER, "trial_id": TRIAL, "status": status, "form_version": 2,
              "history": [], "responses": [], "audit_chain_intact": True, **more}  # fmt: skip
    fake.routes[("GET", RECORD_PATH)] = lambda _: (200, record)
    fake.routes[("GET", f"{RECORD_PATH}/attestations")] = lambda _: (
        200,
        {"study_number": NUMBER, "items": []},
    )
    fake.routes[("GET", f"/trials/{TRIAL}/forms")] = lambda _: (200, [FORM])
    fake.routes[("GET", f"/trials/{TRIAL}")] = lambda _: (
        200,
        {"id": TRIAL, "short_name": "DEMO-AF"},
    )
    return fake


@pytest.fixture
def fake() -> FakeServices:
    return services()


@pytest.fixture
def client(fake: FakeServices) -> FlaskClient:
    return signed_in_as(console_over(fake).test_client(), "researcher")


def test_researchers_find_their_section_and_the_callbacks_and_only_those() -> None:
    assert [s.endpoint for s in sections_for("researcher")] == [
        "research.trials",
        "callbacks.index",
    ]
    assert may_open("researcher", "research.record")
    assert not may_open("researcher", "coordinator.trial")
    assert not may_open("coordinator", "research.attest")


def test_an_awaiting_record_offers_discussion_witness_representative_and_countersignature(
    client: FlaskClient,
) -> None:
    html = client.get(PAGE).get_data(as_text=True)
    for form in ("discussion-form", "witness-form", "representative-form", "countersign-form"):
        assert f'data-testid="{form}"' in html
    assert 'data-testid="phone-consent-link"' not in html


def test_a_record_still_open_offers_consent_by_phone_and_no_countersignature() -> None:
    client = signed_in_as(console_over(services("link_sent")).test_client(), "researcher")
    html = client.get(PAGE).get_data(as_text=True)
    assert 'data-testid="phone-consent-link"' in html
    assert 'data-testid="countersign-form"' not in html


def test_consent_by_phone_opens_the_form_in_the_patients_language() -> None:
    fake = services("link_sent", participant={"practice_ods": "M85001", "language": "bn"})
    client = signed_in_as(console_over(fake).test_client(), "researcher")
    html = client.get(PAGE).get_data(as_text=True)
    assert f"phone-consent?study_number={NUMBER}&amp;language=bn" in html


def test_the_discussion_goes_to_consent_as_typed_with_ticks_as_booleans(
    client: FlaskClient, fake: FakeServices
) -> None:
    fake.routes[("POST", f"{RECORD_PATH}/discussion")] = lambda body: (201, {"kind": "discussion"})
    form = {FIELD: csrf_field(client), "mode": "phone", "researcher_name": " Dr R Patel ",
            "interpreter_language": "bn", "interpreter_name": "Ms S Begum",
            "questions_answered": "yes"}  # fmt: skip

    answer = client.post(f"{PAGE}/discussion", data=form)

    assert answer.status_code == 302
    [(_, _, sent)] = [s for s in fake.sent if s[0] == "POST"]
    assert sent == {"mode": "phone", "researcher_name": "Dr R Patel", "interpreter_language": "bn",
                    "interpreter_name": "Ms S Begum", "questions_answered": True}  # fmt: skip


def test_whether_the_patient_reads_goes_with_the_discussion_and_the_phone_consent(
    client: FlaskClient, fake: FakeServices
) -> None:
    done = {"study_number": NUMBER, "status": "consented"}
    fake.routes[("POST", f"{RECORD_PATH}/discussion")] = lambda body: (201, {"kind": "discussion"})
    fake.routes[("POST", f"/trials/{TRIAL}/phone-consent")] = lambda _: (200, done)
    page = client.get(PAGE).get_data(as_text=True)

    client.post(f"{PAGE}/discussion", data={FIELD: csrf_field(client), "patient_can_read": "no"})
    client.post(
        f"/research/trials/{TRIAL}/phone-consent",
        data={FIELD: csrf_field(client), "study_number": NUMBER, "patient_can_read": "yes",
              "witness_name": "Mr J Okafor", "witness_signature_typed": "Mr J Okafor",
              "witness_signature_ticked": "yes"},
    )  # fmt: skip

    assert "Can the patient read the form?" in page
    discussed, by_phone = [s[2] for s in fake.sent if s[0] == "POST"]
    assert discussed["patient_can_read"] is False
    assert by_phone["patient_can_read"] is True
    assert (by_phone["witness_signature_typed"], by_phone["witness_signature_ticked"]) == (
        "Mr J Okafor",
        True,
    )


def test_a_refused_countersignature_shows_each_reason_beside_its_field(
    client: FlaskClient, fake: FakeServices
) -> None:
    problem = {"title": "Invalid input", "status": 422, "detail": "not complete",
               "errors": [{"field": "signature_ticked", "reason": "tick to sign"}]}  # fmt: skip
    fake.routes[("POST", f"{RECORD_PATH}/countersignature")] = lambda _: (422, problem)

    answer = client.post(f"{PAGE}/countersignature", data={FIELD: csrf_field(client)})

    html = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert "Your signature (tick): tick to sign" in html
    assert 'id="signature_ticked-error"' in html


def test_an_unknown_action_or_a_malformed_study_number_is_not_found(client: FlaskClient) -> None:
    assert client.post(f"{PAGE}/delete", data={FIELD: csrf_field(client)}).status_code == 404
    assert client.get(f"/research/trials/{TRIAL}/participants/not-one").status_code == 404


def test_consent_by_phone_from_a_callback_reads_the_newest_form_in_the_chosen_language(
    client: FlaskClient, fake: FakeServices
) -> None:
    page = client.get(
        f"/research/trials/{TRIAL}/phone-consent",
        query_string={"participant": "0b7e", "language": "bn"},
    )
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "আমার জিপি রেকর্ড" in html and "form version 2" in html
    assert 'name="participant" value="0b7e"' in html


def test_consent_by_phone_posts_each_answer_and_both_names(
    client: FlaskClient, fake: FakeServices
) -> None:
    done = {"study_number": NUMBER, "status": "consented"}
    fake.routes[("POST", f"/trials/{TRIAL}/phone-consent")] = lambda _: (200, done)
    form: dict[str, Any] = {
        FIELD: csrf_field(client), "study_number": NUMBER, "form_version": "2", "language": "bn",
        "item_keys": ["gp", "later"], "item-gp": "yes", "item-later": "no", "decision": "agreed",
        "researcher_name": "Dr R Patel", "witness_name": "Mr J Okafor", "read_out": "yes",
        "witness_confirms": "yes",
    }  # fmt: skip

    answer = client.post(f"/research/trials/{TRIAL}/phone-consent", data=form)

    assert answer.status_code == 302 and answer.headers["Location"].endswith(PAGE)
    [(_, _, sent)] = [s for s in fake.sent if s[0] == "POST"]
    assert sent["answers"] == {"gp": True, "later": False}
    assert (sent["form_version"], sent["language"], sent["decision"]) == (2, "bn", "agreed")
    assert (sent["researcher_name"], sent["witness_name"]) == ("Dr R Patel", "Mr J Okafor")
    assert sent["read_out"] is True and sent["witness_confirms"] is True


def test_the_witness_reading_time_is_uk_time_sent_with_its_offset() -> None:
    assert research.uk_to_utc("2026-07-01T10:30") == "2026-07-01T10:30:00+01:00"
    assert research.uk_to_utc("2026-12-01T10:30") == "2026-12-01T10:30:00+00:00"
    assert research.uk_to_utc("yesterday") is None


def test_an_admin_sees_and_sets_whether_the_trial_asks_for_the_teams_confirmation() -> None:
    fake = services()
    fake.routes[("GET", f"/trials/{TRIAL}/messaging-settings")] = lambda _: (404, {})
    fake.routes[("GET", f"/trials/{TRIAL}/confirmation")] = lambda _: (
        200,
        {"trial_id": TRIAL, "required": True, "form_versions": {"3": False}},
    )
    fake.routes[("PUT", f"/trials/{TRIAL}/confirmation")] = lambda body: (200, body)
    client = signed_in_as(console_over(fake).test_client(), "admin")

    html = client.get(f"/admin/trials/{TRIAL}").get_data(as_text=True)
    answer = client.post(f"/admin/trials/{TRIAL}/confirmation", data={FIELD: csrf_field(client)})

    form = html.split('data-testid="confirmation-form"', 1)[1].split("</form>", 1)[0]
    assert 'value="yes"' in form and "checked" in form and "3 (does not ask)" in form
    assert answer.status_code == 302
    assert ("PUT", f"/trials/{TRIAL}/confirmation", {"required": False}) in fake.sent

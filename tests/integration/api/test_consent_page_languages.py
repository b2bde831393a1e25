"""The consent page in the patient's language, or honestly not (issue 15 items 3 and 4).

Page words come from the gettext catalogs; the study's form only when the study has that
translation. Otherwise the page says so in the patient's language, lists the form's
languages and offers a call with an interpreter. Right-to-left languages mirror, errors too.
"""

from __future__ import annotations

import copy
import csv
import io
import re
from typing import Any

import pytest

from services.consent.entrypoints.web.texts import EN, texts_for
from services.consent.service_layer import records as consent_records
from shared.web import fonts
from shared.web.csrf import FIELD
from tests.integration.api.conftest import FORM_BODY, Service, store_token
from tests.integration.api.test_consent_page import (
    Patient,
    a_patient,
    a_trial_with_a_form,
    confirm_dob,
    csrf,
)

pytestmark = pytest.mark.integration

ARABIC: dict[str, Any] = {
    "title": "دراسة عن القلب",
    "summary": "نريد اكتشاف مشاكل القلب مبكرًا.",
    "sheet_url": "https://example.org/sheet?lang=ar",
    "items": {
        "read_summary": "قرأت المعلومات.",
        "gp_records": "يمكن للدراسة الاطلاع على سجلاتي لدى الطبيب العام.",
        "future_studies": "يمكنكم التواصل معي بشأن دراسات مستقبلية.",
    },
}


def patient_in(service: Service, language: str, **form: Any) -> Patient:
    patient = a_patient(service, a_trial_with_a_form(service, **form), language)
    consent_records.record_reply(service.uow(), patient.participant_id, patient.trial_id, "yes")
    return patient


def html_tag(html: str) -> str:
    found = re.search(r"<html[^>]*>", html)
    assert found
    return found.group(0)


def english_words_in(html: str) -> list[str]:
    """Page words shown in English (a few that are the same in every language left out)."""
    return [e for e in EN.values() if len(e) > 12 and e in html]


@pytest.mark.parametrize(
    ("language", "direction", "title"),
    [("pl", "ltr", "Potwierdź swoją tożsamość"), ("ar", "rtl", "أكّد هويتك"),
     ("pa-Arab", "rtl", "تصدیق کرو کہ تسیں کون او"), ("ta", "ltr", "நீங்கள் யார்")],
)  # fmt: skip
def test_the_first_page_is_in_the_patients_language_with_the_switch(
    consent_service: Service, language: str, direction: str, title: str
) -> None:
    patient = patient_in(consent_service, language)
    html = consent_service.client().get(patient.link()).get_data(as_text=True)

    assert html_tag(html) == f'<html lang="{language}" dir="{direction}">'
    assert title in html
    assert english_words_in(html) == []
    switch = html.split('data-testid="language-switch"', 1)[1].split("</nav>", 1)[0]
    assert len(re.findall(r'hreflang="', switch)) >= 25 and 'hreflang="en"' in switch
    assert f'hreflang="{language}"' not in switch  # the current one is not offered


def test_without_the_form_in_their_language_the_page_says_so_and_offers_a_call(
    consent_service: Service,
) -> None:
    patient = patient_in(consent_service, "pl")  # the form is in English and Urdu only
    client = consent_service.client()
    assert confirm_dob(client, patient.link()).status_code == 303

    page = client.get(f"{patient.link()}/form?lang=pl").get_data(as_text=True)

    assert html_tag(page) == '<html lang="pl" dir="ltr">'
    assert texts_for("pl")["no_form_title"] in page
    assert "A heart study" not in page and english_words_in(page) == []
    listed = page.split('data-testid="form-languages"', 1)[1].split("</ul>", 1)[0]
    assert re.findall(r'hreflang="([^"]+)"', listed) == ["en", "ur"]
    token = csrf(client, f"{patient.link()}/form?lang=pl")
    called = client.post(f"{patient.link()}/call", data={FIELD: token, "lang": "pl"})
    assert called.status_code == 200
    assert texts_for("pl")["call_title"] in called.get_data(as_text=True)
    [event] = patient.events("consent.callback.requested")
    assert event.data["language"] == "pl" and event.data["form_languages"] == ["en", "ur"]
    assert patient.record().status == "link_sent"  # nothing agreed, nothing refused


def test_an_answer_in_a_language_the_form_was_not_shown_in_is_not_recorded(
    consent_service: Service,
) -> None:
    patient = patient_in(consent_service, "pl")
    client = consent_service.client()
    confirm_dob(client, patient.link())
    token = csrf(client, f"{patient.link()}/form?lang=ur")
    answered = client.post(
        f"{patient.link()}/form",
        data={FIELD: token, "decision": "agreed", "items": ["read_summary", "gp_records"],
              "form_version": "1", "lang": "pl"},
    )  # fmt: skip
    assert answered.status_code == 303
    assert patient.record().status == "link_sent"


def test_in_arabic_the_form_is_shown_right_to_left_and_the_exports_say_it_was_read_in_arabic(
    consent_service: Service,
) -> None:
    body = copy.deepcopy(FORM_BODY)
    body["translations"]["ar"] = ARABIC
    patient = patient_in(consent_service, "ar", translations=body["translations"])
    client = consent_service.client()
    confirm_dob(client, patient.link())

    page = client.get(f"{patient.link()}/form").get_data(as_text=True)
    token = csrf(client, f"{patient.link()}/form?lang=ar")
    missing = client.post(
        f"{patient.link()}/form",
        data={FIELD: token, "decision": "agreed", "items": ["read_summary"],
              "form_version": "1", "lang": "ar"},
    )  # fmt: skip
    error_page = missing.get_data(as_text=True)
    done = client.post(
        f"{patient.link()}/form",
        data={FIELD: token, "decision": "agreed", "items": ["read_summary", "gp_records"],
              "form_version": "1", "lang": "ar"},
    )  # fmt: skip

    assert html_tag(page) == '<html lang="ar" dir="rtl">'
    assert ARABIC["title"] in page and "A heart study" not in page
    assert english_words_in(page) == []
    assert missing.status_code == 400 and texts_for("ar")["missing_items"] in error_page
    assert "nhsuk-form-group--error" in error_page
    # nhsuk-frontend's error border is on the left; mirrored to the right for RTL.
    assert re.search(
        r'\[dir="rtl"\] \.nhsuk-form-group--error \{[^}]*border-right: 4px', error_page
    )
    assert done.status_code == 303 and patient.record().status == "consented"
    with consent_service.uow() as uow:
        [response] = uow.responses.responses(patient.record().id)
    assert (response.language, response.form_version) == ("ar", 1)

    coordinator = {"Authorization": f"Bearer {store_token(consent_service, 'admin')}"}
    exported = consent_service.client().get(
        f"/trials/{patient.trial_id}/consent-records.csv", headers=coordinator
    )
    [row] = list(csv.DictReader(io.StringIO(exported.get_data(as_text=True))))
    assert (row["form_language"], row["form_version"], row["language"]) == ("ar", "1", "ar")
    bundle = consent_service.client().get(f"/trials/{patient.trial_id}/fhir", headers=coordinator)
    [consent] = [
        e["resource"]
        for e in bundle.get_json()["entry"]
        if e["resource"]["resourceType"] == "Consent"
    ]
    assert {"url": "urn:trialreach:consent-form-language", "valueCode": "ar"} in consent[
        "extension"
    ]


def test_a_mirpuri_speaker_reads_the_page_and_form_in_urdu(consent_service: Service) -> None:
    patient = patient_in(consent_service, "phr")
    client = consent_service.client()
    confirm_dob(client, patient.link())
    page = client.get(f"{patient.link()}/form").get_data(as_text=True)
    assert html_tag(page) == '<html lang="ur" dir="rtl">'
    assert FORM_BODY["translations"]["ur"]["title"] in page and english_words_in(page) == []


def test_an_urdu_page_serves_nastaliq_from_the_packages_when_it_was_copied(
    consent_service: Service,
) -> None:
    patient = patient_in(consent_service, "ur")
    client = consent_service.client()
    html = client.get(patient.link()).get_data(as_text=True)
    font = fonts.font_for("ur")
    if font is None:
        pytest.skip("fonts-noto-core is not installed here; the page works without it")
    assert f'font-family: "{font[0]}"' in html
    # Every script's font is declared, so the switch's native names render in each.
    for family, _, codes in fonts.available():
        assert f'[lang="{codes[0]}"]' in html and f'font-family: "{family}"' in html
    served = client.get(f"/static/fonts/{font[1]}")
    try:
        assert served.status_code == 200 and len(served.data) > 100_000
    finally:
        served.close()

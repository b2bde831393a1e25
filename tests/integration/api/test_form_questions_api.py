"""Admins edit a draft form version's understanding questions one at a time, in every
language of the draft (decision 35); published versions never change; problems name the
fields of the question's body. PostgreSQL, through Flask's test client."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from services.consent.service_layer import forms as consent_forms
from tests.integration.api.conftest import FORM_BODY, SEED, Service, store_token
from tests.integration.api.test_consent_understanding import WORDS

pytestmark = pytest.mark.integration

QUESTION: dict[str, Any] = {
    "options": ["any_time", "never"],
    "correct": "any_time",
    "words": {code: words["leave"] for code, words in WORDS.items()},  # en and ur
}


def _draft(service: Service, *, published: bool = False) -> tuple[uuid.UUID, str]:
    trial_id = uuid.uuid4()
    form = consent_forms.create_draft(service.uow(), SEED, trial_id, FORM_BODY)
    if published:
        consent_forms.publish(service.uow(), SEED, trial_id, form.version, "REC 1")
    return trial_id, f"/trials/{trial_id}/forms/{form.version}"


def _admin(service: Service) -> dict[str, str]:
    return {"Authorization": f"Bearer {store_token(service, 'admin')}"}


def test_a_question_is_added_replaced_and_removed_in_every_language_of_the_draft(
    consent_service: Service,
) -> None:
    _, path = _draft(consent_service)
    client, headers = consent_service.client(), _admin(consent_service)

    added = client.put(f"{path}/questions/leave", json=QUESTION, headers=headers)
    changed = {**QUESTION, "options": ["any_time", "never", "ask"], "correct": "ask"}
    for code in ("en", "ur"):
        changed["words"] = {
            **changed["words"],
            code: {**QUESTION["words"][code], "options": {**QUESTION["words"][code]["options"],
                                                          "ask": "?"}},
        }  # fmt: skip
    replaced = client.put(f"{path}/questions/leave", json=changed, headers=headers)
    other = client.put(f"{path}/questions/why", json=QUESTION, headers=headers)
    removed = client.delete(f"{path}/questions/leave", headers=headers)
    kept = client.get(path, headers=headers).get_json()

    assert added.status_code == 200
    assert added.get_json()["questions"] == [
        {"key": "leave", "options": ["any_time", "never"], "correct": "any_time"}
    ]
    assert added.get_json()["translations"]["ur"]["questions"]["leave"]["text"] == (
        "کیا آپ تحقیق چھوڑ سکتے ہیں؟"
    )
    assert replaced.get_json()["questions"][0]["correct"] == "ask"
    assert [q["key"] for q in other.get_json()["questions"]] == ["leave", "why"]
    assert removed.status_code == 200
    assert [q["key"] for q in kept["questions"]] == ["why"]
    assert set(kept["translations"]["en"]["questions"]) == {"why"}


@pytest.mark.parametrize(
    ("change", "fields"),
    [
        ({"correct": "maybe"}, {"correct"}),
        ({"words": {"en": QUESTION["words"]["en"]}}, {"words.ur"}),
        ({"words": {**QUESTION["words"], "pl": QUESTION["words"]["en"]}}, {"words.pl"}),
        (
            {"words": {**QUESTION["words"], "ur": {**QUESTION["words"]["ur"], "options": {}}}},
            {"words.ur.options"},
        ),
        ({"options": ["only"]}, {"options"}),
        # A dictionary entry is named by its key (without marshmallow's "value")
        ({"words": {"en": {"text": ""}}}, {"words.en.text", "words.en.options",
                                           "words.en.explanation"}),
    ],
)  # fmt: skip
def test_an_incomplete_question_is_a_problem_naming_its_fields(
    consent_service: Service, change: dict[str, Any], fields: set[str]
) -> None:
    _, path = _draft(consent_service)

    refused = consent_service.client().put(
        f"{path}/questions/leave", json={**QUESTION, **change}, headers=_admin(consent_service)
    )

    assert refused.status_code == 422 and refused.mimetype == "application/problem+json"
    assert {e["field"] for e in refused.get_json()["errors"]} == fields


def test_a_published_version_s_questions_never_change(consent_service: Service) -> None:
    _, path = _draft(consent_service, published=True)
    client, headers = consent_service.client(), _admin(consent_service)

    put = client.put(f"{path}/questions/leave", json=QUESTION, headers=headers)
    deleted = client.delete(f"{path}/questions/leave", headers=headers)

    assert put.status_code == 409 and put.mimetype == "application/problem+json"
    assert "published" in put.get_json()["detail"]
    assert deleted.status_code == 409


def test_a_bad_key_or_an_unknown_question_is_named(consent_service: Service) -> None:
    _, path = _draft(consent_service)
    client, headers = consent_service.client(), _admin(consent_service)

    bad = client.put(f"{path}/questions/Not-A-Key", json=QUESTION, headers=headers)
    unknown = client.delete(f"{path}/questions/nothing", headers=headers)

    assert bad.status_code == 422 and bad.get_json()["errors"][0]["field"] == "key"
    assert unknown.status_code == 404 and unknown.mimetype == "application/problem+json"

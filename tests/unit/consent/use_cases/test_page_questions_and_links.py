"""The consent page's questions and withdrawal, and links a letter prints or an admin stops,
through the fakes."""

from __future__ import annotations

import uuid

import pytest

from services.consent.domain import lifecycle
from services.consent.domain.letter_links import short_ref
from services.consent.domain.links import ConsentLink
from services.consent.service_layer import forms, letters, outreach, page, records, understanding
from shared.errors import InvalidTransition
from shared.events.commands import LetterRequested
from tests.support.factories import consent_form
from tests.support.fakes.consent import FakeConsentUnitOfWork
from tests.support.fakes.consent_world import (
    PRACTICE,
    a_record_at,
    a_trial,
    coordinator_of,
    registered,
    run_own_work,
    status,
    texts,
    token,
)

QUESTION = {"key": "leave", "options": ["any_time", "never"], "correct": "any_time"}
WORDS = {
    "leave": {
        "text": "Can you leave the study?",
        "options": {"any_time": "Yes, at any time", "never": "No, never"},
        "explanation": "You can leave at any time without giving a reason.",
    }
}


@pytest.fixture
def uow() -> FakeConsentUnitOfWork:
    return FakeConsentUnitOfWork()


def a_trial_asking_questions(uow: FakeConsentUnitOfWork) -> uuid.UUID:
    trial = a_trial(uow, published=False)
    body = consent_form(("en",))
    body["translations"]["en"]["questions"] = WORDS
    draft = forms.create_draft(uow, coordinator_of(trial), trial, {**body, "questions": [QUESTION]})
    forms.publish(uow, coordinator_of(trial), trial, draft.version, "REC 24/NE/0002")
    run_own_work(uow)
    return trial


def interested(uow: FakeConsentUnitOfWork, trial: uuid.UUID) -> uuid.UUID:
    participant = registered(uow)
    records.record_invitations(uow, trial, [participant], practice_ods=PRACTICE)
    records.record_reply(uow, participant, trial, "yes")
    return participant


def test_a_question_stays_pending_until_its_latest_answer_is_right(
    uow: FakeConsentUnitOfWork,
) -> None:
    trial = a_trial_asking_questions(uow)
    link = token(uow, interested(uow, trial), trial)

    before = understanding.questions(uow, link)
    wrong = understanding.answer(uow, link, {"leave": "never"}, "en", 1)
    right = understanding.answer(uow, link, {"leave": "any_time"}, "en", 1)

    assert (before.pending, wrong, right) == (["leave"], ["leave"], [])
    assert understanding.questions(uow, link).pending == []
    assert [a.correct for a in uow.store.understanding] == [False, True]


def test_a_form_without_questions_asks_none(uow: FakeConsentUnitOfWork) -> None:
    trial = a_trial(uow)
    link = token(uow, interested(uow, trial), trial)

    found = understanding.questions(uow, link)

    assert found.pending == [] and found.view.state == page.ASKING


def with_a_live_link(uow: FakeConsentUnitOfWork, trial: uuid.UUID, state: str) -> str:
    record = a_record_at(uow, trial, state)
    link = ConsentLink(record.participant_id, trial)
    uow.consent_links.add(link)
    return uow.links.signer.token(link.id)


def test_someone_who_agreed_withdraws_from_the_page_and_gets_a_receipt(
    uow: FakeConsentUnitOfWork,
) -> None:
    trial = a_trial(uow)
    consented = with_a_live_link(uow, trial, lifecycle.CONSENTED)

    page.withdraw(uow, consented)

    [record] = [r for r in uow.store.records.values() if r.status == lifecycle.WITHDRAWN]
    assert uow.store.audit[-1].channel == "web"
    assert texts(uow)[-1] == "withdrawal_receipt"
    changed = uow.published("consent.status.changed")[-1]
    assert (changed["status"], changed["participant_id"]) == (
        "withdrawn",
        str(record.participant_id),
    )


def test_only_someone_who_agreed_can_withdraw(uow: FakeConsentUnitOfWork) -> None:
    trial = a_trial(uow)
    waiting = with_a_live_link(uow, trial, lifecycle.LINK_SENT)

    with pytest.raises(InvalidTransition):
        page.withdraw(uow, waiting)
    assert uow.published("consent.status.changed") == []


def test_an_admin_stops_a_patients_links_at_once(uow: FakeConsentUnitOfWork) -> None:
    trial = a_trial(uow)
    participant = interested(uow, trial)

    assert outreach.revoke_links(uow, trial, participant) == 1
    assert uow.consent_links.live_links(participant, trial) == []
    assert outreach.revoke_links(uow, trial, participant) == 0
    assert status(uow, participant, trial) == lifecycle.LINK_SENT  # the record is not changed


def test_a_letters_short_reference_opens_its_live_link_only(uow: FakeConsentUnitOfWork) -> None:
    trial = a_trial(uow)
    participant = registered(uow)
    records.record_invitations(uow, trial, [participant], practice_ods=PRACTICE)
    link = letters.issue_letter_link(uow, LetterRequested(uuid.uuid4(), participant, trial))
    assert link is not None
    reference = short_ref(link.id)

    assert letters.token_for(uow, reference) == uow.links.signer.token(link.id)
    assert letters.token_for(uow, "not a reference") is None
    outreach.revoke_links(uow, trial, participant)
    assert letters.token_for(uow, reference) is None

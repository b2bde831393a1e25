"""Consent forms through the fakes: drafts, publication, and a new version that asks
everyone who agreed to agree again; erasure of a participant's bands."""

from __future__ import annotations

import uuid

import pytest

from services.consent.domain import lifecycle
from services.consent.domain.responses import AGREED, DECLINED
from services.consent.service_layer import forms, page, participants, records
from shared.errors import Conflict
from shared.events.commands import ParticipantShared
from tests.support.factories import consent_form
from tests.support.fakes.consent import FakeConsentUnitOfWork
from tests.support.fakes.consent_world import (
    a_trial,
    coordinator_of,
    invited,
    run_own_work,
    status,
    token,
)


@pytest.fixture
def uow() -> FakeConsentUnitOfWork:
    return FakeConsentUnitOfWork()


def agreed(uow: FakeConsentUnitOfWork, trial: uuid.UUID) -> uuid.UUID:
    participant = invited(uow, trial)
    records.record_reply(uow, participant, trial, "yes")
    shown = page.view(uow, token(uow, participant, trial))
    assert shown.form is not None
    link = token(uow, participant, trial)
    page.respond(uow, link, AGREED, shown.form.mandatory_keys(), "en", shown.form.version)
    return participant


def a_new_version(uow: FakeConsentUnitOfWork, trial: uuid.UUID, *, reconsent: bool) -> int:
    coordinator = coordinator_of(trial)
    body = consent_form(requires_reconsent=reconsent)
    draft = forms.create_draft(uow, coordinator, trial, body)
    asked = forms.publish(uow, coordinator, trial, draft.version, "REC 2")[1]
    run_own_work(uow)
    return asked


def test_a_draft_changes_until_it_is_published(uow: FakeConsentUnitOfWork) -> None:
    trial = a_trial(uow, published=False)
    coordinator = coordinator_of(trial)
    draft = forms.create_draft(uow, coordinator, trial, consent_form(["en"]))

    revised = forms.revise_draft(uow, coordinator, trial, draft.version, consent_form())
    forms.publish(uow, coordinator, trial, draft.version, "REC 1")
    with pytest.raises(Conflict):
        forms.revise_draft(uow, coordinator, trial, draft.version, consent_form(["en"]))

    [kept] = forms.list_forms(uow, coordinator, trial)
    assert sorted(revised.translations) == ["en", "ur"] and kept.is_published
    assert forms.get_form(uow, coordinator, trial, 1).content_hash == kept.content_hash


def test_a_version_asking_for_reconsent_texts_those_who_agreed(
    uow: FakeConsentUnitOfWork,
) -> None:
    trial = a_trial(uow)
    again, declines = agreed(uow, trial), agreed(uow, trial)
    links_before = len(uow.published("consent.notification.requested"))

    assert a_new_version(uow, trial, reconsent=True) == 2

    texts = uow.published("consent.notification.requested")[links_before:]
    assert [t["kind"] for t in texts] == ["consent_link", "consent_link"]
    shown = page.view(uow, token(uow, again, trial))
    assert shown.reconsent and shown.state == page.ASKING and shown.form is not None
    mandatory = shown.form.mandatory_keys()
    page.respond(uow, token(uow, again, trial), AGREED, mandatory, "en", 2)
    page.respond(uow, token(uow, declines, trial), DECLINED, set(), "en", 2)

    assert status(uow, again, trial) == lifecycle.CONSENTED
    record = uow.records.record(again, trial)
    assert record is not None and record.form_version == 2
    assert status(uow, declines, trial) == lifecycle.WITHDRAWN


def test_a_version_that_does_not_ask_for_reconsent_texts_nobody(
    uow: FakeConsentUnitOfWork,
) -> None:
    trial = a_trial(uow)
    agreed(uow, trial)

    assert a_new_version(uow, trial, reconsent=False) == 0


def test_erasing_drops_the_bands_and_keeps_the_record_and_its_chain(
    uow: FakeConsentUnitOfWork,
) -> None:
    trial = a_trial(uow)
    participant = invited(uow, trial)
    participants.save_participant(
        uow,
        ParticipantShared(
            participant_id=participant,
            practice_ods="M85001",
            language="ur",
            sex="female",
            age_band="50-59",
            ethnic_category="K",
            imd_decile=1,
            imd_edition=2019,
            dob_hash="abc",
        ),
    )

    participants.erase_participant(uow, participant)

    bands = uow.participants.participant(participant)
    assert bands is not None and bands.erased and bands.dob_hash is None and bands.sex is None
    assert status(uow, participant, trial) == lifecycle.INVITED

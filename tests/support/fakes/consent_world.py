"""Consent's state for use-case tests on the fakes: a trial with a published form,
invited participants, their records and links."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from services.consent.domain import lifecycle
from services.consent.domain.lifecycle import ConsentRecord
from services.consent.domain.participant import ParticipantBands
from services.consent.domain.responses import AGREED, answer
from services.consent.entrypoints.handlers import HANDLERS
from services.consent.service_layer import forms, participants, records
from shared.auth.principal import COORDINATOR, RESEARCHER, Principal
from shared.bus.topology import OWN_WORK
from shared.dob import keyed_dob_hash
from shared.events import decode, encode
from shared.events.commands import ParticipantShared
from tests.support.factories import consent_form
from tests.support.fakes.consent import FakeConsentUnitOfWork

DOB_KEY, BORN, PRACTICE = "dob-key", date(1970, 3, 4), "M85001"


def coordinator_of(trial: uuid.UUID) -> Principal:
    return Principal(uuid.uuid4(), "Cleo", COORDINATOR, trials=frozenset({trial}))


def researcher_of(trial: uuid.UUID) -> Principal:
    return Principal(uuid.uuid4(), "Dr R Patel", RESEARCHER, trials=frozenset({trial}))


def a_trial(
    uow: FakeConsentUnitOfWork, *, published: bool = True, trial_id: uuid.UUID | None = None
) -> uuid.UUID:
    trial = trial_id or uuid.uuid4()
    uow.trials.save_trial(trial, "HEART", "The heart study", None)
    if published:
        publish_a_form(uow, trial)
    return trial


def publish_a_form(uow: FakeConsentUnitOfWork, trial: uuid.UUID) -> int:
    """Publish a form and send the links it asks for; returns how many it asked for."""
    draft = forms.create_draft(uow, coordinator_of(trial), trial, consent_form())
    asked = forms.publish(uow, coordinator_of(trial), trial, draft.version, "REC 24/NE/0001")[1]
    run_own_work(uow)
    return asked


def run_own_work(uow: FakeConsentUnitOfWork) -> None:
    """Hand the chunks consent asked of itself (OWN_WORK) to its handlers, each once, as its
    worker does: encoded and decoded like any event off the bus."""
    for event in [e for e in uow.events if e.type in OWN_WORK and e.id not in uow.delivered]:
        uow.delivered.add(event.id)
        HANDLERS[event.type](decode(encode(event)), uow)


def invited(uow: FakeConsentUnitOfWork, trial: uuid.UUID) -> uuid.UUID:
    participant = uuid.uuid4()
    records.record_invitations(uow, trial, [participant], practice_ods="M85001")
    return participant


def status(uow: FakeConsentUnitOfWork, participant: uuid.UUID, trial: uuid.UUID) -> str | None:
    record = uow.records.record(participant, trial)
    assert record is not None
    return record.status


def token(uow: FakeConsentUnitOfWork, participant: uuid.UUID, trial: uuid.UUID) -> str:
    [link] = uow.consent_links.live_links(participant, trial)
    return uow.links.signer.token(link.id)


def registered(uow: FakeConsentUnitOfWork, language: str = "en", **bands: Any) -> uuid.UUID:
    """A participant as the registry shares them (bands may be overridden)."""
    participant = uuid.uuid4()
    data = {
        "participant_id": participant,
        "practice_ods": PRACTICE,
        "language": language,
        "sex": "female",
        "age_band": "50-59",
        "ethnic_category": "K",
        "imd_decile": 2,
        "imd_edition": 2019,
        "dob_hash": keyed_dob_hash(DOB_KEY, BORN),
        **bands,
    }
    participants.save_participant(uow, ParticipantShared.load(data))
    return participant


def a_record_at(
    uow: FakeConsentUnitOfWork,
    trial: uuid.UUID,
    status: str,
    study_number: str = "DEMO-AF-000001",
    *,
    language: str | None = None,
    answered_on: str = "system",
) -> ConsentRecord:
    """A record moved along the life cycle to `status` (through link_sent where it must),
    each step in its audit chain; a signed one signed the trial's form version 1. With a
    `language`, consent knows the patient's; `answered_on` is the channel of their YES."""
    record = ConsentRecord(uuid.uuid4(), trial, study_number=study_number, practice_ods=PRACTICE)
    if language is not None:
        uow.participants.add(ParticipantBands(record.participant_id, PRACTICE, language))
    form = uow.forms.form(trial, 1)
    assert form is not None, "publish the trial's form first (a_trial)"
    path = {
        lifecycle.INVITED: [lifecycle.INVITED],
        lifecycle.INTERESTED: [lifecycle.INVITED, lifecycle.INTERESTED],
        lifecycle.LINK_SENT: [lifecycle.INVITED, lifecycle.INTERESTED, lifecycle.LINK_SENT],
    }.get(status, [lifecycle.INVITED, lifecycle.INTERESTED, lifecycle.LINK_SENT, status])
    for step in path:
        signed = step in lifecycle.SIGNED
        their_yes = step == lifecycle.INTERESTED and answered_on != "system"
        uow.audit.add(
            record.move_to(
                step,
                actor="participant" if their_yes else "test",
                channel=answered_on if their_yes else "system",
                form_version=form.version if signed else None,
                form_hash=form.content_hash if signed else None,
            )
        )
    if status in lifecycle.SIGNED:  # what the patient agreed to on the page
        ticked = {item.key for item in form.items if item.mandatory}
        uow.responses.add(answer(form, record.id, record.participant_id, "en", AGREED, ticked))
    uow.records.add(record)
    return record


def texts(uow: FakeConsentUnitOfWork) -> list[str]:
    """The kinds of text consent asked messaging to send, in order."""
    return [data["kind"] for data in uow.published("consent.notification.requested")]

"""Consent by phone (decision 0032): on a call (a callback or any other), a researcher of the
trial reads the form out and takes the patient's answers to each item, before a witness who
hears it all. The record becomes consented (or awaiting confirmation, as the trial asks), or
refused; the answers are kept like the page's, the names beside the record, the hash in the
audit chain."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from services.consent.domain import confirmation, lifecycle
from services.consent.domain.confirmation import Attestation
from services.consent.domain.lifecycle import ConsentRecord
from services.consent.domain.responses import AGREED, answer
from services.consent.service_layer import signing
from services.consent.service_layer.changes import actor_of, notify, publish_status
from services.consent.service_layer.confirmation import (
    AWAITING_TEXT,
    CONFIRMED_TEXT,
    reading_of,
    require_researcher,
)
from services.consent.service_layer.unit_of_work import ConsentUnitOfWork
from shared.auth.principal import Principal
from shared.errors import InvalidInput, InvalidTransition, NotFound


@dataclass(frozen=True)
class PhoneAnswers:
    form_version: int  # the version read out
    language: str  # the language it was read out in
    decision: str  # agreed or declined
    ticked: frozenset[str]  # the items the patient said yes to
    study_number: str | None = None  # from the consent record's page
    participant_id: uuid.UUID | None = None  # from a callback, which knows the participant


def take_consent(
    uow: ConsentUnitOfWork,
    principal: Principal,
    trial_id: uuid.UUID,
    answers: PhoneAnswers,
    people: Mapping[str, Any],
) -> ConsentRecord:
    require_researcher(principal, trial_id)
    with uow:
        record = _record(uow, trial_id, answers)
        said = people.get("patient_can_read")
        found = reading_of(uow, record, said if isinstance(said, bool) else None)
        # A refusal needs no witness's signature; an agreement by a patient who may not read
        # the form does (domain.reading).
        needed = found.witness_needed() if answers.decision == AGREED else None
        details = confirmation.phone_consent(people, needed)
        form = uow.forms.form(trial_id, answers.form_version)
        if form is None or not form.is_published:
            raise InvalidInput.for_field("form_version", "not a published version of the form")
        if answers.language not in form.translations:
            raise InvalidInput.for_field("language", "the form has no translation in it")
        response = answer(
            form, record.id, record.participant_id, answers.language, answers.decision,
            set(answers.ticked),
        )  # fmt: skip
        actor = actor_of(principal)
        details = {**details, "form_version": form.version, "language": answers.language,
                   "answers": response.items, "decision": answers.decision}  # fmt: skip
        attestation = Attestation(
            record.id, trial_id, confirmation.PHONE_CONSENT, details, actor
        ).seal()
        if answers.decision == AGREED:
            needs = uow.confirmation.setting(trial_id, form.version).required
            status = lifecycle.AWAITING_CONFIRMATION if needs else lifecycle.CONSENTED
        else:
            status = lifecycle.REFUSED
        previous = record.status
        if not (previous in lifecycle.BY_PHONE_FROM and status in lifecycle.BY_PHONE_TO):
            raise InvalidTransition(f"a record that is {previous} cannot be answered by phone")
        entry = record.answer_by_phone(
            status, actor=actor, form_version=form.version, form_hash=response.form_hash,
            reason=attestation.reason,
        )  # fmt: skip
        uow.responses.add(response)
        uow.confirmation.add(attestation)
        uow.audit.add(entry)
        uow.reporting.count_change(trial_id, record.practice_ods, previous, status)
        publish_status(uow, record, previous)
        if status in lifecycle.SIGNED:  # the patient's copy of what was read and answered
            text = CONFIRMED_TEXT if status == lifecycle.CONSENTED else AWAITING_TEXT
            notify(uow, record, text, signing.copy_link(uow, record.id, response.id))
        uow.commit()
    return record


def _record(uow: ConsentUnitOfWork, trial_id: uuid.UUID, answers: PhoneAnswers) -> ConsentRecord:
    if answers.study_number:
        found = uow.records.record_by_study_number(
            trial_id, answers.study_number, lock=uow.row_locks
        )
        name = answers.study_number
    elif answers.participant_id:
        found = uow.records.record(answers.participant_id, trial_id, lock=uow.row_locks)
        name = "for this participant"
    else:
        raise InvalidInput.for_field("study_number", "give the study number or the participant")
    if found is None:
        raise NotFound(f"no consent record {name} in trial {trial_id}")
    return found

"""A witness must sign where the patient may not read the form (decision 0032): known from
the research team's answer, else presumed from a language with no written form or a YES on a
voice call. Countersigning and consent by phone refuse without the witness's name and
signature; the problem names what is missing. On fakes."""

from __future__ import annotations

from typing import Any

import pytest

from services.consent.domain import lifecycle
from services.consent.domain.reading import Reading, WitnessNeeded
from services.consent.service_layer import confirmation
from services.consent.service_layer.by_phone import take_consent
from shared.errors import InvalidInput
from tests.support.fakes.consent import FakeConsentUnitOfWork
from tests.support.fakes.consent_world import a_record_at
from tests.unit.consent.test_confirmation import (
    DISCUSSION,
    NUMBER,
    SIGNATURE,
    TRIAL,
    WITNESS,
    a_team_trial,
    researcher,
)
from tests.unit.consent.test_consent_by_phone import PEOPLE, said

WITNESS_SIGNS = {"witness_signature_typed": "Mr J Okafor", "witness_signature_ticked": True}


@pytest.mark.parametrize(
    ("reading", "why"),
    [
        (Reading(None, "en", False), None),
        (Reading(None, "bn", False), None),
        (Reading(None, "syl", False), "their language, Sylheti, has no common written form"),
        (Reading(None, "en", True), "they answered the invitation on a voice call"),
        (Reading(False, "en", False), "the research team recorded that they cannot read"),
        (Reading(True, "syl", True), None),  # the team's answer beats the presumptions
        (Reading(None, None, False), None),
    ],
)
def test_who_needs_a_witness(reading: Reading, why: str | None) -> None:
    assert reading.witness_needed() == why


def _awaiting(language: str = "en", channel: str = "sms") -> FakeConsentUnitOfWork:
    uow = a_team_trial()
    a_record_at(
        uow, TRIAL, lifecycle.AWAITING_CONFIRMATION, NUMBER, language=language, answered_on=channel
    )
    return uow


def _record(uow: FakeConsentUnitOfWork) -> lifecycle.ConsentRecord:
    found = uow.records.record_by_study_number(TRIAL, NUMBER)
    assert found is not None
    return found


def _discuss(uow: FakeConsentUnitOfWork, **said: Any) -> None:
    confirmation.record_discussion(uow, researcher(), TRIAL, NUMBER, {**DISCUSSION, **said})


def _countersign(uow: FakeConsentUnitOfWork) -> Any:
    return confirmation.countersign(uow, researcher(), TRIAL, NUMBER, SIGNATURE)


def test_a_sylheti_speaker_is_not_countersigned_without_a_witness_then_is_with_one() -> None:
    uow = _awaiting(language="syl")
    _discuss(uow)

    with pytest.raises(WitnessNeeded) as refused:
        _countersign(uow)
    record = _record(uow)
    assert record.status == lifecycle.AWAITING_CONFIRMATION
    assert "Sylheti" in refused.value.detail and "witness" in refused.value.detail
    assert {e.field for e in refused.value.errors} == {
        "witness_name",
        "witness_signature_typed",
        "witness_signature_ticked",
    }
    assert "countersigned" not in [e.action for e in uow.store.audit]

    confirmation.record_witness(uow, researcher(), TRIAL, NUMBER, WITNESS)
    _countersign(uow)
    assert record.status == lifecycle.CONSENTED


def test_a_yes_on_a_voice_call_needs_a_witness_unless_the_team_says_the_patient_reads() -> None:
    unsaid, reads = _awaiting(channel="voice"), _awaiting(channel="voice")
    _discuss(unsaid)
    _discuss(reads, patient_can_read=True)

    with pytest.raises(WitnessNeeded):
        _countersign(unsaid)
    _countersign(reads)

    assert _record(reads).status == lifecycle.CONSENTED
    [said_reads] = [a for a in reads.store.attestations if a.kind == "discussion"]
    assert said_reads.details["patient_can_read"] is True  # kept, and so hashed in the chain


def test_the_teams_answer_that_the_patient_cannot_read_needs_a_witness_whatever_the_data() -> None:
    uow = _awaiting(language="en", channel="sms")
    _discuss(uow, patient_can_read=False)

    with pytest.raises(WitnessNeeded) as refused:
        _countersign(uow)

    assert "cannot read" in refused.value.detail


def test_a_patient_who_reads_and_texted_yes_needs_no_witness() -> None:
    uow = _awaiting(language="ur", channel="sms")
    _discuss(uow)

    _countersign(uow)

    assert _record(uow).status == lifecycle.CONSENTED


def test_consent_by_phone_from_a_patient_who_may_not_read_needs_the_witness_to_sign() -> None:
    uow = a_team_trial()
    record = a_record_at(uow, TRIAL, lifecycle.INTERESTED, language="syl")

    with pytest.raises(InvalidInput) as refused:
        take_consent(uow, researcher(), TRIAL, said(), PEOPLE)
    assert record.status == lifecycle.INTERESTED
    assert {e.field for e in refused.value.errors} == {
        "witness_signature_typed",
        "witness_signature_ticked",
    }
    assert "Sylheti" in refused.value.detail

    take_consent(uow, researcher(), TRIAL, said(), {**PEOPLE, **WITNESS_SIGNS})
    assert record.status == lifecycle.CONSENTED
    [kept] = uow.store.attestations
    assert kept.details["witness_signature"] == "typed_name_and_tick"


def test_a_witness_signature_must_match_the_witness_name() -> None:
    uow = a_team_trial()
    a_record_at(uow, TRIAL, lifecycle.INTERESTED, answered_on="voice")
    wrong = {**PEOPLE, **WITNESS_SIGNS, "witness_signature_typed": "Someone Else"}

    with pytest.raises(InvalidInput) as refused:
        take_consent(uow, researcher(), TRIAL, said(), wrong)

    assert {e.field for e in refused.value.errors} == {"witness_signature_typed"}


def test_a_refusal_by_phone_needs_no_witness_signature() -> None:
    uow = a_team_trial()
    record = a_record_at(uow, TRIAL, lifecycle.INTERESTED, language="syl")

    take_consent(uow, researcher(), TRIAL, said("declined"), PEOPLE)

    assert record.status == lifecycle.REFUSED

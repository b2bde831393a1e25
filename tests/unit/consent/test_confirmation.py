"""The research team's confirmation on fakes: signed → awaiting confirmation → consented,
countersigned only by a researcher of the trial after a recorded discussion; witnesses and
legal representatives validated; the audit chain holds hashes, never names."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from services.consent.domain import confirmation as rules
from services.consent.domain import lifecycle
from services.consent.domain.audit import first_broken
from services.consent.domain.lifecycle import ConsentRecord
from services.consent.service_layer import confirmation
from shared.auth.principal import Principal
from shared.errors import Forbidden, InvalidInput, InvalidTransition
from tests.support.fakes.consent import FakeConsentUnitOfWork
from tests.support.fakes.consent_world import a_record_at, a_trial, researcher_of, texts

TRIAL = uuid.UUID("00000000-0000-4000-8000-00000000000a")
OTHER_TRIAL = uuid.UUID("00000000-0000-4000-8000-00000000000b")


def researcher(trial_id: uuid.UUID = TRIAL) -> Principal:
    return researcher_of(trial_id)


def a_team_trial() -> FakeConsentUnitOfWork:
    """Consent with the trial TRIAL and its published form, version 1."""
    uow = FakeConsentUnitOfWork()
    a_trial(uow, trial_id=TRIAL)
    return uow


NUMBER = "DEMO-AF-000001"
DISCUSSION: dict[str, Any] = {
    "mode": "phone",
    "researcher_name": "Dr R Patel",
    "interpreter_language": "bn",
    "interpreter_name": "Ms S Begum",
    "questions_answered": True,
    "questions": "Asked about blood tests",
}
SIGNATURE = {
    "researcher_name": "Dr R Patel",
    "signature_typed": "dr r patel",
    "signature_ticked": True,
}


def agreed_in_a_transaction(uow: FakeConsentUnitOfWork, record: ConsentRecord) -> None:
    """As the consent page's respond does: the agreement and its texts in one commit."""
    form = uow.forms.form(TRIAL, 1)
    assert form is not None
    with uow:
        confirmation.patient_agreed(uow, record, form)
        uow.commit()


def fields_of(error: InvalidInput) -> set[str]:
    return {e.field for e in error.errors}


def test_a_trial_that_asks_for_confirmation_leaves_the_signed_patient_awaiting_it() -> None:
    uow = a_team_trial()
    uow.confirmation.set_required(TRIAL, None, True)
    record = a_record_at(uow, TRIAL, lifecycle.LINK_SENT)

    agreed_in_a_transaction(uow, record)

    assert record.status == lifecycle.AWAITING_CONFIRMATION
    assert texts(uow) == ["consent_awaiting_confirmation"]


def test_without_the_setting_the_patient_is_consented_at_once() -> None:
    uow = a_team_trial()
    record = a_record_at(uow, TRIAL, lifecycle.LINK_SENT)

    agreed_in_a_transaction(uow, record)

    assert record.status == lifecycle.CONSENTED
    assert texts(uow) == ["consent_confirmation"]


def test_a_form_versions_own_setting_wins_over_the_trials() -> None:
    uow = a_team_trial()
    uow.confirmation.set_required(TRIAL, None, True)
    uow.confirmation.set_required(TRIAL, 1, False)

    assert uow.confirmation.setting(TRIAL, 1).required is False
    assert uow.confirmation.setting(TRIAL, 2).required is True


def test_discussion_then_countersignature_consents_and_texts_the_confirmation() -> None:
    uow = a_team_trial()
    record = a_record_at(uow, TRIAL, lifecycle.AWAITING_CONFIRMATION)
    team = researcher()

    confirmation.record_discussion(uow, team, TRIAL, NUMBER, DISCUSSION)
    confirmation.countersign(uow, team, TRIAL, NUMBER, SIGNATURE)

    assert record.status == lifecycle.CONSENTED
    assert texts(uow) == ["consent_confirmation"]
    [text] = uow.published("consent.notification.requested")
    [copy] = uow.store.copy_links.values()  # a new link to the copy, for the confirming text
    assert text["link"] == uow.links.copy_url(copy.id)
    assert copy.response_id == uow.store.responses[-1].id and copy.signature_id is None
    actions = [e.action for e in uow.store.audit]
    assert actions[-3:] == ["discussion_recorded", "countersigned", "status_changed"]
    assert [a.kind for a in uow.store.attestations] == ["discussion", "countersignature"]
    assert uow.store.attestations[0].details["interpreter_name"] == "Ms S Begum"
    assert first_broken(uow.store.audit, head=(record.last_seq, record.last_hash)) is None


def test_the_audit_chain_carries_the_attestations_hash_and_no_names() -> None:
    uow = a_team_trial()
    a_record_at(uow, TRIAL, lifecycle.AWAITING_CONFIRMATION)

    kept = confirmation.record_discussion(
        uow,
        researcher(),
        TRIAL,
        NUMBER,
        DISCUSSION,
    )

    entry = uow.store.audit[-1]
    assert entry.reason == f"sha256:{kept.hash}" and kept.hash == kept.compute_hash()
    chain = repr([vars(e) for e in uow.store.audit])
    assert "Patel" not in chain and "Begum" not in chain and "blood" not in chain


def test_a_changed_attestation_no_longer_matches_its_hash() -> None:
    kept = rules.Attestation(uuid.uuid4(), TRIAL, "discussion", {"mode": "phone"}, "x").seal()
    kept.details["mode"] = "video"
    assert kept.compute_hash() != kept.hash


def test_countersigning_needs_a_recorded_discussion_first() -> None:
    uow = a_team_trial()
    record = a_record_at(uow, TRIAL, lifecycle.AWAITING_CONFIRMATION)

    with pytest.raises(InvalidTransition, match="discussion"):
        confirmation.countersign(uow, researcher(), TRIAL, NUMBER, SIGNATURE)
    assert record.status == lifecycle.AWAITING_CONFIRMATION


@pytest.mark.parametrize(
    "who",
    [
        researcher(OTHER_TRIAL),
        Principal(uuid.uuid4(), "coordinator", "coordinator", trials=frozenset({TRIAL})),
        Principal(uuid.uuid4(), "admin", "admin"),
    ],
    ids=["researcher of another trial", "coordinator of the trial", "admin"],
)
def test_only_a_researcher_of_that_trial_countersigns(who: Principal) -> None:
    uow = a_team_trial()
    record = a_record_at(uow, TRIAL, lifecycle.AWAITING_CONFIRMATION)
    confirmation.record_discussion(uow, researcher(), TRIAL, NUMBER, DISCUSSION)

    with pytest.raises(Forbidden):
        confirmation.countersign(uow, who, TRIAL, NUMBER, SIGNATURE)
    assert record.status == lifecycle.AWAITING_CONFIRMATION


def test_a_consented_record_cannot_be_countersigned_again() -> None:
    uow = a_team_trial()
    a_record_at(uow, TRIAL, lifecycle.CONSENTED)

    with pytest.raises(InvalidTransition):
        confirmation.countersign(uow, researcher(), TRIAL, NUMBER, SIGNATURE)


def test_the_life_cycle_goes_signed_awaiting_consented_and_never_skips_back() -> None:
    record = a_record_at(a_team_trial(), TRIAL, lifecycle.AWAITING_CONFIRMATION)
    assert not record.can_move_to(lifecycle.LINK_SENT)
    assert not record.can_move_to(lifecycle.REFUSED)
    assert record.can_move_to(lifecycle.WITHDRAWN)
    record.move_to(lifecycle.CONSENTED, actor="researcher:x", channel="api")
    assert record.status == lifecycle.CONSENTED


def test_a_discussion_names_every_missing_field_at_once() -> None:
    with pytest.raises(InvalidInput) as error:
        rules.discussion({"mode": "fax", "interpreter_language": "bn"})
    assert fields_of(error.value) == {
        "mode",
        "researcher_name",
        "interpreter_name",
        "questions_answered",
    }


def test_an_interpreter_needs_a_language_we_know() -> None:
    with pytest.raises(InvalidInput) as error:
        rules.discussion({**DISCUSSION, "interpreter_language": "xx-nope"})
    assert fields_of(error.value) == {"interpreter_language"}


def test_a_signature_is_the_same_name_typed_and_a_tick() -> None:
    with pytest.raises(InvalidInput) as error:
        rules.countersignature({"researcher_name": "Dr R Patel", "signature_typed": "R P"})
    assert fields_of(error.value) == {"signature_typed", "signature_ticked"}


WITNESS: dict[str, Any] = {
    "witness_name": "Mr J Okafor",
    "witness_signature_typed": "Mr J Okafor",
    "witness_signature_ticked": True,
    "impartial": True,
    "read_by": "Dr R Patel",
    "read_at": datetime.now(UTC) - timedelta(minutes=5),
    "form_version": 1,
}


def test_a_witness_records_who_read_the_form_aloud_when_and_which_version() -> None:
    uow = a_team_trial()
    a_record_at(uow, TRIAL, lifecycle.AWAITING_CONFIRMATION)

    kept = confirmation.record_witness(uow, researcher(), TRIAL, NUMBER, WITNESS)

    assert kept.details["read_by"] == "Dr R Patel" and kept.details["form_version"] == 1
    assert uow.store.audit[-1].action == "witnessed"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"witness_name": "dr r patel", "witness_signature_typed": "dr r patel"}, "witness_name"),
        ({"impartial": False}, "impartial"),
        ({"form_version": 2}, "form_version"),
        ({"read_at": datetime.now(UTC) + timedelta(hours=1)}, "read_at"),
        ({"witness_signature_ticked": False}, "witness_signature_ticked"),
    ],
    ids=["the reader as witness", "not impartial", "another version", "future", "no tick"],
)
def test_a_witness_statement_that_does_not_hold_is_refused(
    change: dict[str, Any], field: str
) -> None:
    with pytest.raises(InvalidInput) as error:
        rules.witness({**WITNESS, **change}, form_version=1, now=datetime.now(UTC))
    assert field in fields_of(error.value)


def test_a_legal_representative_gives_name_relationship_and_signature() -> None:
    good = {
        "representative_name": "Mrs A Khan",
        "relationship": "child",
        "representative_signature_typed": "Mrs A Khan",
        "representative_signature_ticked": True,
    }
    assert rules.representative(good)["relationship"] == "child"
    with pytest.raises(InvalidInput) as error:
        rules.representative({**good, "relationship": "neighbour", "representative_name": ""})
    assert fields_of(error.value) >= {"relationship", "representative_name"}


def test_witness_and_representative_wait_for_a_signed_record() -> None:
    uow = a_team_trial()
    a_record_at(uow, TRIAL, lifecycle.LINK_SENT)
    with pytest.raises(InvalidTransition):
        confirmation.record_witness(uow, researcher(), TRIAL, NUMBER, WITNESS)


@pytest.mark.parametrize(
    "moment",
    [
        datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=5))),
        datetime.now(UTC) - timedelta(days=400),
    ],
    ids=["before UTC can hold it", "more than a year ago"],
)
def test_a_reading_time_from_long_ago_is_refused_naming_the_field(moment: datetime) -> None:
    with pytest.raises(InvalidInput) as error:
        rules.witness({**WITNESS, "read_at": moment}, form_version=1, now=datetime.now(UTC))
    assert fields_of(error.value) == {"read_at"}


def test_a_reading_is_in_the_future_only_against_the_moment_the_caller_gives() -> None:
    read_at = datetime(2026, 12, 6, 10, 0, tzinfo=UTC)
    reading = {**WITNESS, "read_at": read_at}

    assert rules.witness(reading, form_version=1, now=read_at + timedelta(minutes=1))
    with pytest.raises(InvalidInput) as error:
        rules.witness(reading, form_version=1, now=read_at - timedelta(minutes=1))
    assert fields_of(error.value) == {"read_at"}


def test_an_admin_reads_the_trials_setting_and_each_versions_own() -> None:
    uow = a_team_trial()
    admin = Principal(uuid.uuid4(), "admin", "admin")
    confirmation.set_requirement(uow, admin, TRIAL, True)
    confirmation.set_requirement(uow, admin, TRIAL, False, form_version=1)

    assert confirmation.settings_of(uow, admin, TRIAL) == (True, {1: False})


def test_an_attestation_changed_after_the_fact_no_longer_verifies_against_the_chain() -> None:
    uow = a_team_trial()
    a_record_at(uow, TRIAL, lifecycle.AWAITING_CONFIRMATION)
    team = researcher()
    confirmation.record_discussion(uow, team, TRIAL, NUMBER, DISCUSSION)
    confirmation.record_witness(uow, team, TRIAL, NUMBER, WITNESS)

    uow.store.attestations[1].details["witness_name"] = "Someone Else"
    checked = confirmation.attestations_of(uow, team, TRIAL, NUMBER)

    assert [(c.attestation.kind, c.verified) for c in checked] == [
        ("discussion", True),
        ("witness", False),
    ]


REPRESENTATIVE: dict[str, Any] = {
    "representative_name": "Mrs A Khan",
    "relationship": "child",
    "representative_signature_typed": "Mrs A Khan",
    "representative_signature_ticked": True,
}


def test_a_legal_representative_is_recorded_while_awaiting_and_only_its_hash_is_chained() -> None:
    uow = a_team_trial()
    a_record_at(uow, TRIAL, lifecycle.AWAITING_CONFIRMATION)

    kept = confirmation.record_representative(uow, researcher(), TRIAL, NUMBER, REPRESENTATIVE)

    assert (kept.kind, kept.details["relationship"]) == ("representative", "child")
    entry = uow.store.audit[-1]
    assert entry.reason == f"sha256:{kept.hash}" and "Khan" not in repr(vars(entry))
    with pytest.raises(Forbidden):
        confirmation.record_representative(
            uow, researcher(OTHER_TRIAL), TRIAL, NUMBER, REPRESENTATIVE
        )


def test_no_representative_for_a_record_not_yet_signed() -> None:
    uow = a_team_trial()
    a_record_at(uow, TRIAL, lifecycle.LINK_SENT)

    with pytest.raises(InvalidTransition):
        confirmation.record_representative(uow, researcher(), TRIAL, NUMBER, REPRESENTATIVE)
    assert uow.store.attestations == []

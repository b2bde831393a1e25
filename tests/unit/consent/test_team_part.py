"""What the signed copy shows of the research team's part (domain.team_part), on the shared
consent fakes: nothing before the countersignature; then the discussion, the representative
and the countersignature with its chain entry; never an attestation changed afterwards."""

from __future__ import annotations

import uuid
from typing import Any

from services.consent.domain import lifecycle
from services.consent.service_layer import confirmation, signed_copy
from tests.support.fakes.consent import FakeConsentUnitOfWork
from tests.support.fakes.consent_world import a_record_at, a_trial, coordinator_of, researcher_of

TRIAL = uuid.uuid4()
NUMBER = "DEMO-AF-000001"
DISCUSSION: dict[str, Any] = {
    "mode": "in_person",
    "researcher_name": "Dr R Patel",
    "interpreter_language": "bn",
    "interpreter_name": "Ms S Begum",
    "questions_answered": True,
}
REPRESENTATIVE = {
    "representative_name": "Mrs A Khan",
    "relationship": "parent",
    "representative_signature_typed": "Mrs A Khan",
    "representative_signature_ticked": True,
}
SIGNATURE = {"researcher_name": "Dr R Patel", "signature_typed": "Dr R Patel",
             "signature_ticked": True}  # fmt: skip


def awaiting() -> FakeConsentUnitOfWork:
    uow = FakeConsentUnitOfWork()
    a_trial(uow, trial_id=TRIAL)
    a_record_at(uow, TRIAL, lifecycle.AWAITING_CONFIRMATION, NUMBER)
    return uow


def the_copy(uow: FakeConsentUnitOfWork) -> signed_copy.SignedCopy:
    return signed_copy.for_team(uow, coordinator_of(TRIAL), TRIAL, NUMBER)


def test_before_the_countersignature_the_copy_shows_the_patients_part_only() -> None:
    uow = awaiting()
    confirmation.record_discussion(uow, researcher_of(TRIAL), TRIAL, NUMBER, DISCUSSION)

    copy = the_copy(uow)

    assert copy.team is None and copy.entry.to_status == lifecycle.AWAITING_CONFIRMATION


def test_after_it_the_copy_shows_what_the_team_recorded_and_the_countersigned_entry() -> None:
    uow = awaiting()
    team = researcher_of(TRIAL)
    confirmation.record_discussion(uow, team, TRIAL, NUMBER, DISCUSSION)
    confirmation.record_representative(uow, team, TRIAL, NUMBER, REPRESENTATIVE)
    confirmation.countersign(uow, team, TRIAL, NUMBER, SIGNATURE)

    copy = the_copy(uow)

    assert copy.team is not None
    assert [d.details["interpreter_name"] for d in copy.team.discussions] == ["Ms S Begum"]
    assert [r.details["representative_name"] for r in copy.team.representatives] == ["Mrs A Khan"]
    assert copy.team.witnesses == ()
    assert copy.team.researcher_name == "Dr R Patel"
    entry = copy.team.countersigned
    assert entry.action == "countersigned" and entry.reason == copy.team.countersignature.reason
    # The copy's consent entry stays the patient's, not the team's move to consented after it.
    assert copy.entry.to_status == lifecycle.AWAITING_CONFIRMATION
    assert copy.entry.seq < entry.seq


def test_an_attestation_changed_after_it_was_recorded_is_left_off_the_copy() -> None:
    uow = awaiting()
    team = researcher_of(TRIAL)
    confirmation.record_discussion(uow, team, TRIAL, NUMBER, DISCUSSION)
    confirmation.countersign(uow, team, TRIAL, NUMBER, SIGNATURE)
    [discussion] = [a for a in uow.store.attestations if a.kind == "discussion"]
    discussion.details["interpreter_name"] = "Someone Else"

    copy = the_copy(uow)

    assert copy.team is not None and copy.team.discussions == ()

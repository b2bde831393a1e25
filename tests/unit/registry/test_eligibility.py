"""The one eligibility rule both ways of inviting apply (domain/eligibility.py)."""

from __future__ import annotations

import uuid
from datetime import date

import pytest

from services.registry.domain.eligibility import (
    DEFAULT_MINIMUM_AGE,
    NOT_INVITED,
    Candidate,
    exclusion,
)

TODAY = date(2026, 12, 6)
THIS_TRIAL, OTHER_TRIAL = uuid.uuid4(), uuid.uuid4()


def a_candidate(
    born: date = date(1970, 3, 4),
    *,
    textable: bool = True,
    opted_out: bool = False,
    statuses: dict[uuid.UUID, str] | None = None,
) -> Candidate:
    return Candidate(uuid.uuid4(), born, textable, opted_out, statuses or {})


def reason(candidate: Candidate, minimum_age: int = DEFAULT_MINIMUM_AGE) -> str | None:
    return exclusion(candidate, THIS_TRIAL, minimum_age, TODAY)


def test_an_adult_with_a_mobile_who_never_said_no_may_be_invited() -> None:
    assert reason(a_candidate()) is None


@pytest.mark.parametrize("status", ["withdrawn", "declined", "refused", "opted_out"])
def test_someone_who_said_no_in_another_trial_is_not_asked_again(status: str) -> None:
    assert reason(a_candidate(statuses={OTHER_TRIAL: status})) == "said_no_elsewhere"


@pytest.mark.parametrize("status", ["invited", "interested", "consented", "expired"])
def test_being_in_another_trial_otherwise_is_no_bar(status: str) -> None:
    assert reason(a_candidate(statuses={OTHER_TRIAL: status})) is None


def test_a_child_is_not_invited_by_default() -> None:
    seventeen = date(2009, 12, 7)  # eighteen tomorrow
    assert reason(a_candidate(seventeen)) == "under_age"
    assert reason(a_candidate(date(2008, 12, 6))) is None  # eighteen today


def test_a_trial_that_admits_younger_people_says_so_by_its_minimum_age() -> None:
    assert reason(a_candidate(date(2010, 1, 1)), minimum_age=16) is None
    assert reason(a_candidate(date(2012, 1, 1)), minimum_age=16) == "under_age"


def test_someone_already_invited_here_is_not_invited_twice() -> None:
    assert reason(a_candidate(statuses={THIS_TRIAL: "invited"})) == "already_in_trial"


def test_someone_whose_invitation_was_cancelled_before_it_was_sent_may_be_invited() -> None:
    assert reason(a_candidate(statuses={THIS_TRIAL: NOT_INVITED})) is None


def test_an_opted_out_or_unreachable_patient_is_left_out_with_the_reason() -> None:
    assert reason(a_candidate(opted_out=True)) == "opted_out"
    assert reason(a_candidate(textable=False)) == "no_mobile"


def test_the_first_reason_wins_so_each_person_is_counted_once() -> None:
    everything = a_candidate(
        date(2015, 1, 1), textable=False, opted_out=True, statuses={OTHER_TRIAL: "declined"}
    )
    assert reason(everything) == "under_age"


def test_a_patient_without_a_mobile_who_asked_for_a_call_may_be_invited_by_phone() -> None:
    landline = Candidate(uuid.uuid4(), date(1950, 1, 1), False, False, callable=True)

    assert reason(landline) is None
    assert reason(a_candidate(textable=False)) == "no_mobile"

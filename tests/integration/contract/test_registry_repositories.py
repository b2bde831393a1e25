"""The registry ports' contract: the fake and the SQLAlchemy repositories answer alike,
above all on whom a cohort's conditions and the eligibility rule let through."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest

from services.registry.domain.cohorts import Cohort, Criteria
from services.registry.domain.filters import ParticipantFilter
from services.registry.domain.model import Participant, Practice, Trial, TrialStatus
from services.registry.domain.patient_rows import PatientRow
from services.registry.service_layer.ports import RegistryUnitOfWork
from shared.languages import UNKNOWN
from tests.support.factories import mobile, nhs_number, serial

pytestmark = pytest.mark.integration

New = Callable[[], RegistryUnitOfWork]
TODAY = date(2026, 6, 1)


def practice(new: New) -> str:
    ods = f"Q{serial() % 100000:05d}"
    with new() as uow:
        uow.registry.add(Practice(ods, f"Practice {ods}"))
        uow.commit()
    return ods


def trial(new: New) -> Trial:
    made = Trial(f"T{uuid.uuid4().hex[:8]}", "A trial", "NIHR")
    with new() as uow:
        uow.registry.add(made)
        uow.commit()
    return made


def patient(ods: str, born: date = date(1970, 3, 4), **details: object) -> Participant:
    values: dict[str, object] = {"mobile": mobile(), "textable": True, "language": "bn", **details}
    return Participant(ods, nhs_number(), "Amina", f"Begum{serial()}", born, **values)  # type: ignore[arg-type]


def add(new: New, *items: object) -> None:
    with new() as uow:
        for item in items:
            uow.registry.add(item)  # type: ignore[arg-type]
        uow.commit()


def test_whom_a_cohort_lets_through_and_why_the_rest_are_left_out(registry: New) -> None:
    ods, this, other = practice(registry), trial(registry), trial(registry)
    fine = patient(ods, sex="female", language="ur")
    young = patient(ods, born=date(2010, 1, 1))
    stopped = patient(ods, opted_out=True)
    said_no = patient(ods)
    in_trial = patient(ods)
    no_phone = patient(ods, mobile=None, textable=False)
    man = patient(ods, sex="male")
    add(registry, fine, young, stopped, said_no, in_trial, no_phone, man)
    add(
        registry,
        TrialStatus(said_no.id, other.id, "withdrawn"),
        TrialStatus(in_trial.id, this.id, "invited"),
    )
    everyone = Criteria.from_dict({"textable_only": False})

    with registry() as uow:
        where = uow.cohorts.conditions(everyone, this.id, ods, TODAY, 18, invitable=True)
        let_through = {c.participant_id for c in uow.cohorts.candidates(where)}
        left_out = uow.cohorts.left_out(everyone, this.id, ods, TODAY, 18)
        women = uow.cohorts.conditions(
            Criteria.from_dict({"sexes": ["female"]}), this.id, ods, TODAY
        )
        only_women = {c.participant_id for c in uow.cohorts.candidates(women)}
        counts = uow.cohorts.breakdown_counts(where, TODAY)
        by_id = uow.cohorts.candidates_by_id(ods, [said_no.id])
    assert let_through == {fine.id, man.id}
    assert left_out == {
        "already_in_trial": 1,
        "under_age": 1,
        "opted_out": 1,
        "said_no_elsewhere": 1,
        "no_mobile": 1,
    }
    assert only_women == {fine.id}
    assert counts["sex"] == {"female": 1, "male": 1} and counts["age_band"] == {"50-59": 2}
    [candidate] = by_id
    assert dict(candidate.statuses) == {other.id: "withdrawn"}


def test_a_negated_condition_counts_the_rest(registry: New) -> None:
    ods, this = practice(registry), trial(registry)
    adult, child = patient(ods), patient(ods, born=date(2012, 5, 5))
    add(registry, adult, child)

    with registry() as uow:
        listed = uow.cohorts.filter_conditions(Criteria.from_dict({}), ods, TODAY)
        under_age = uow.cohorts.exclusions(this.id, 18, TODAY)["under_age"]
        adults = uow.cohorts.breakdown_counts([*listed, ~under_age], TODAY)
    assert adults["textable"] == {True: 1}


def test_invited_members_are_marked_shared_and_forgotten_when_a_batch_is_cancelled(
    registry: New,
) -> None:
    ods, this = practice(registry), trial(registry)
    first, second = patient(ods), patient(ods)
    add(registry, first, second)
    with registry() as uow:
        cohort_id = uuid.uuid4()
        cohort = Cohort(this.id, ods, "all", {}, "Sam", id=cohort_id)
        uow.registry.add(cohort)
        cohort.batch_id = uuid.uuid4()
        uow.cohorts.add_members(cohort_id, [first.id, second.id])
        uow.cohorts.mark_invited([first.id, second.id], this.id, datetime.now(UTC))
        assert sorted(uow.cohorts.unshared_among([first.id, second.id])) == sorted(
            [first.id, second.id]
        )
        uow.cohorts.mark_shared([first.id], datetime.now(UTC))
        uow.commit()
        batch_id = cohort.batch_id

    with registry() as uow:
        unshared = uow.cohorts.unshared_among([first.id, second.id])
        uow.cohorts.forget_members(batch_id, [second.id])
        uow.commit()
    with registry() as uow:
        members = [i for chunk in uow.cohorts.member_ids(cohort_id, 1) for i in chunk]
        status = uow.registry.trial_status(first.id, this.id)
        counts = uow.registry.status_counts(this.id, ods)
    assert unshared == [second.id]
    assert members == [first.id]
    assert status is not None and status.status == "invited"
    assert counts == {"invited": 2}


def test_an_import_batch_creates_updates_and_leaves_other_practices_alone(registry: New) -> None:
    ods, elsewhere = practice(registry), practice(registry)
    theirs = patient(elsewhere)
    add(registry, theirs)

    def row(number: str, given: str = "Amina") -> PatientRow:
        return PatientRow(
            1,
            number,
            given,
            "Begum",
            date(1970, 3, 4),
            "F",
            mobile(),
            True,
            "bn",
            False,
            "K",
            3,
            2019,
        )

    first, second = nhs_number(), nhs_number()
    with registry() as uow:
        created = uow.patients.upsert(ods, [row(first), row(second)], datetime.now(UTC))
        uow.commit()
    same, changed = row(first), row(second, given="Other")
    with registry() as uow:
        kept = uow.registry.participant_by_nhs_number(first)
        assert kept is not None
        same.mobile = kept.mobile  # nothing differs: not rewritten
        outcome = uow.patients.upsert(
            ods, [same, changed, row(theirs.nhs_number)], datetime.now(UTC)
        )
        where = uow.patients.practices_of([first, theirs.nhs_number])
        uow.commit()
    assert (created.created, created.updated) == (2, 0)
    assert (outcome.created, outcome.updated, outcome.unchanged) == (0, 1, 1)
    assert outcome.elsewhere == [theirs.nhs_number]
    assert where == {first: ods, theirs.nhs_number: elsewhere}


def test_an_import_never_replaces_a_known_language_with_an_unknown_one(registry: New) -> None:
    ods = practice(registry)
    known, unknown = patient(ods, language="ti"), patient(ods, language=UNKNOWN)
    add(registry, known, unknown)

    def row(of: Participant, language: str) -> PatientRow:
        return PatientRow(
            1,
            of.nhs_number,
            of.given_name,
            of.family_name,
            of.date_of_birth,
            of.sex,
            of.mobile,
            of.textable,
            language,
            of.interpreter_needed,
            of.ethnic_category,
            of.imd_decile,
            of.imd_edition,
        )

    with registry() as uow:
        outcome = uow.patients.upsert(
            ods, [row(known, UNKNOWN), row(unknown, "pl")], datetime.now(UTC)
        )
        uow.commit()
    with registry() as uow:
        kept = uow.registry.participant_by_nhs_number(known.nhs_number)
        learnt = uow.registry.participant_by_nhs_number(unknown.nhs_number)
    assert (outcome.updated, outcome.unchanged) == (1, 1)
    assert kept is not None and learnt is not None
    assert (kept.language, learnt.language) == ("ti", "pl")


def test_listing_participants_by_filter_page_and_name(registry: New) -> None:
    ods, this = practice(registry), trial(registry)
    people = [patient(ods, language=language) for language in ("ur", "ur", "bn")]
    people[0].family_name = "Ahmed"
    add(registry, *people)
    add(registry, TrialStatus(people[1].id, this.id, "invited"))

    with registry() as uow:
        urdu = uow.registry.list_participants(ParticipantFilter([ods], language="ur"), None, 10)
        first_page = uow.registry.list_participants(ParticipantFilter([ods]), None, 2)
        rest = uow.registry.list_participants(ParticipantFilter([ods]), first_page[-1].id, 10)
        named = uow.registry.list_participants(
            ParticipantFilter([ods], name_words=["ahm"]), None, 10
        )
        invited = uow.registry.count_participants(ParticipantFilter([ods], trial_id=this.id))
        not_invited = uow.registry.count_participants(
            ParticipantFilter([ods], trial_id=this.id, trial_status="not_invited")
        )
        by_name = uow.registry.list_participants(ParticipantFilter([ods]), None, 10, sort="name")
    assert {p.id for p in urdu} == {people[0].id, people[1].id}
    assert len(first_page) == 2 and len(rest) == 1
    assert [p.id for p in named] == [people[0].id]
    assert (invited, not_invited) == (1, 2)
    assert by_name[0].id == people[0].id

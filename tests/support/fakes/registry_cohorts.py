"""The registry's fake patient store and cohort queries, on the store of registry.py.
A cohort's conditions are predicates on a participant here (SQL expressions for real):
the same cases run on both in tests/integration/contract/."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from services.registry.adapters.patient_store import DETAILS  # the columns an import writes
from services.registry.domain.cohorts import DIMENSIONS, Criteria, age_band_cutoffs
from services.registry.domain.eligibility import (
    DEFAULT_MINIMUM_AGE,
    NEVER_AGAIN_STATUSES,
    NOT_INVITED,
    REASONS,
    Candidate,
)
from services.registry.domain.identifiers import years_before
from services.registry.domain.imports import BatchOutcome
from services.registry.domain.model import Participant, TrialStatus
from services.registry.domain.patient_rows import PatientRow, RowError
from shared.languages import UNKNOWN

if TYPE_CHECKING:
    from tests.support.fakes.registry import RegistryStore


class Condition:
    """A predicate on a participant that negates with `~`, as a SQL condition does (use
    cases may negate one they were given)."""

    def __init__(self, test: Callable[[Participant], bool]) -> None:
        self.test = test

    def __call__(self, participant: Participant) -> bool:
        return self.test(participant)

    def __invert__(self) -> Condition:
        return Condition(lambda p: not self.test(p))


class FakePatients:
    def __init__(self, store: RegistryStore) -> None:
        self.store = store

    def upsert(self, practice_ods: str, rows: Sequence[PatientRow], at: datetime) -> BatchOutcome:
        created = updated = unchanged = 0
        elsewhere: list[str] = []
        shared: list[uuid.UUID] = []
        by_number = {p.nhs_number: p for p in self.store.participants.values()}
        for row in rows:
            found = by_number.get(row.nhs_number)
            details = {name: getattr(row, name) for name in DETAILS}
            if found is None:
                new = Participant(
                    practice_ods, row.nhs_number, **details, created_at=at, updated_at=at
                )
                self.store.participants[new.id] = by_number[row.nhs_number] = new
                created += 1
                continue
            if found.practice_ods != practice_ods:
                elsewhere.append(row.nhs_number)
                continue
            if row.language == UNKNOWN:
                details["language"] = found.language  # an unknown one never replaces it
            if any(getattr(found, k) != v for k, v in details.items()):
                for name, value in details.items():
                    setattr(found, name, value)
                found.updated_at = at
                updated += 1
                if found.shared_at is not None:
                    shared.append(found.id)
            else:
                unchanged += 1
        return BatchOutcome(created, updated, unchanged, elsewhere, shared)

    def practices_of(self, nhs_numbers: Sequence[str]) -> dict[str, str]:
        wanted = set(nhs_numbers)
        return {
            p.nhs_number: p.practice_ods
            for p in self.store.participants.values()
            if p.nhs_number in wanted
        }

    def add_errors(self, import_id: uuid.UUID, errors: Sequence[RowError]) -> None:
        for error in errors:
            number = len(self.store.import_errors) + 1
            self.store.import_errors.append(
                (
                    import_id,
                    error.line,
                    number,
                    error.column[:200],
                    error.reason[:500],
                    error.kind,
                )
            )


class FakeCohortQueries:
    def __init__(self, store: RegistryStore) -> None:
        self.store = store

    def filter_conditions(self, criteria: Criteria, practice_ods: str, today: date) -> list[Any]:
        earliest, latest = criteria.born_between(today)
        conds: list[Condition] = [Condition(lambda p: p.practice_ods == practice_ods)]
        if earliest is not None:
            conds.append(Condition(lambda p: p.date_of_birth >= earliest))
        if latest is not None:
            conds.append(Condition(lambda p: p.date_of_birth <= latest))
        for name, allowed in (
            ("sex", criteria.sexes),
            ("ethnic_category", criteria.ethnic_categories),
            ("imd_decile", criteria.imd_deciles),
            ("language", criteria.languages),
        ):
            if allowed:
                conds.append(_one_of(name, allowed))
        return conds

    def exclusions(self, trial_id: uuid.UUID, minimum_age: int, today: date) -> dict[str, Any]:
        statuses = self.store.statuses_of
        never_again = set(NEVER_AGAIN_STATUSES)
        reasons = {
            "already_in_trial": Condition(
                lambda p: statuses(p.id).get(trial_id, NOT_INVITED) != NOT_INVITED
            ),
            "under_age": Condition(lambda p: p.date_of_birth > years_before(today, minimum_age)),
            "opted_out": Condition(lambda p: p.opted_out),
            "said_no_elsewhere": Condition(
                lambda p: not never_again.isdisjoint(statuses(p.id).values())
            ),
            "no_mobile": Condition(lambda p: not (p.textable or p.postcode or p.callable)),
        }
        assert tuple(reasons) == tuple(REASONS), "one order for the rule and its fake"
        return reasons

    def conditions(
        self,
        criteria: Criteria,
        trial_id: uuid.UUID,
        practice_ods: str,
        today: date,
        minimum_age: int = DEFAULT_MINIMUM_AGE,
        *,
        invitable: bool = False,
    ) -> list[Any]:
        conds = self.filter_conditions(criteria, practice_ods, today)
        for reason, excluded in self.exclusions(trial_id, minimum_age, today).items():
            if reason != "no_mobile" or criteria.textable_only or invitable:
                conds.append(~excluded)
        return conds

    def _meeting(self, where: Sequence[Any]) -> list[Participant]:
        found = (p for p in self.store.participants.values() if all(c(p) for c in where))
        return sorted(found, key=lambda p: p.id)

    def left_out(
        self,
        criteria: Criteria,
        trial_id: uuid.UUID,
        practice_ods: str,
        today: date,
        minimum_age: int,
    ) -> dict[str, int]:
        reasons = self.exclusions(trial_id, minimum_age, today)
        counts: dict[str, int] = {}
        for p in self._meeting(self.filter_conditions(criteria, practice_ods, today)):
            first = next((name for name, excluded in reasons.items() if excluded(p)), None)
            if first is not None:
                counts[first] = counts.get(first, 0) + 1
        return {name: counts[name] for name in REASONS if counts.get(name)}

    def candidates(self, where: Sequence[Any]) -> list[Candidate]:
        return [
            Candidate(
                p.id,
                p.date_of_birth,
                p.textable,
                p.opted_out,
                self.store.statuses_of(p.id),
                postal=bool(p.postcode),
                callable=p.callable,
            )
            for p in self._meeting(where)
        ]

    def candidates_by_id(self, practice_ods: str, ids: Sequence[uuid.UUID]) -> list[Candidate]:
        wanted = set(ids)
        return self.candidates(
            [Condition(lambda p: p.practice_ods == practice_ods and p.id in wanted)]
        )

    def breakdown_counts(self, where: Sequence[Any], today: date) -> dict[str, dict[Any, int]]:
        cutoffs = age_band_cutoffs(today)
        counts: dict[str, dict[Any, int]] = {name: {} for name in DIMENSIONS}
        for p in self._meeting(where):
            band = next((label for label, after in cutoffs if p.date_of_birth > after), "80+")
            by_letter = not p.textable and bool(p.postcode)
            values = (
                p.ethnic_category,
                p.imd_decile,
                p.language,
                band,
                p.sex,
                p.textable,
                by_letter,
            )
            for name, value in zip(DIMENSIONS, values, strict=True):
                counts[name][value] = counts[name].get(value, 0) + 1
        return counts

    def member_conditions(self, cohort_id: uuid.UUID) -> list[Any]:
        members = self.store.members.get(cohort_id, set())
        return [Condition(lambda p: p.id in members)]

    def add_members(self, cohort_id: uuid.UUID, ids: Sequence[uuid.UUID]) -> None:
        self.store.members.setdefault(cohort_id, set()).update(ids)

    def mark_invited(self, ids: Sequence[uuid.UUID], trial_id: uuid.UUID, at: Any) -> None:
        for participant_id in ids:
            kept = self.store.statuses.get((participant_id, trial_id))
            if kept is not None and kept.status != NOT_INVITED:
                raise ValueError(f"{participant_id} already has a status in {trial_id}")
            status = TrialStatus(participant_id, trial_id, "invited", at)
            self.store.statuses[(participant_id, trial_id)] = status

    def forget_members(self, batch_id: uuid.UUID, ids: Sequence[uuid.UUID]) -> None:
        for cohort in self.store.cohorts.values():
            if cohort.batch_id == batch_id:
                self.store.members.get(cohort.id, set()).difference_update(ids)

    def member_ids(self, cohort_id: uuid.UUID, chunk: int) -> Iterator[list[uuid.UUID]]:
        ordered = sorted(self.store.members.get(cohort_id, set()))
        for start in range(0, len(ordered), chunk):
            yield ordered[start : start + chunk]

    def unshared_among(self, ids: Sequence[uuid.UUID]) -> list[uuid.UUID]:
        people = self.store.participants
        return [i for i in ids if i in people and people[i].shared_at is None]

    def mark_shared(self, ids: Sequence[uuid.UUID], at: Any) -> None:
        for participant_id in ids:
            self.store.participants[participant_id].shared_at = at


def _one_of(name: str, allowed: Sequence[object]) -> Condition:
    return Condition(lambda p: getattr(p, name) in allowed)

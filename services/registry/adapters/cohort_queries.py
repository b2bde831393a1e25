"""Who meets a cohort's filter, counted and broken down in the database, and frozen there."""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from datetime import date
from typing import Any

from sqlalchemy import (
    ColumnElement,
    case,
    delete,
    exists,
    func,
    insert,
    literal,
    select,
    tuple_,
    update,
)
from sqlalchemy.orm import Session

from services.registry.adapters.orm import cohort_members, cohorts, participants, trial_statuses
from services.registry.domain.cohorts import DIMENSIONS, Criteria, age_band_cutoffs
from services.registry.domain.eligibility import (
    DEFAULT_MINIMUM_AGE,
    NEVER_AGAIN_STATUSES,
    NOT_INVITED,
    REASONS,
    Candidate,
)
from services.registry.domain.identifiers import years_before
from shared.chunks import chunked

p = participants


def _callable() -> ColumnElement[bool]:
    """They prefer a call and gave a number (domain.model.Participant.callable)."""
    return (func.coalesce(p.c.preferred_channel, "") == "voice") & p.c.mobile.is_not(None)


class CohortQueries:
    def __init__(self, session: Session) -> None:
        self.session = session

    def filter_conditions(
        self, criteria: Criteria, practice_ods: str, today: date
    ) -> list[ColumnElement[bool]]:
        """Whom the cohort's filter finds, before the eligibility rule."""
        conds: list[ColumnElement[bool]] = [p.c.practice_ods == practice_ods]
        earliest, latest = criteria.born_between(today)
        if earliest is not None:
            conds.append(p.c.date_of_birth >= earliest)
        if latest is not None:
            conds.append(p.c.date_of_birth <= latest)
        if criteria.sexes:
            conds.append(p.c.sex.in_(criteria.sexes))
        if criteria.ethnic_categories:
            conds.append(p.c.ethnic_category.in_(criteria.ethnic_categories))
        if criteria.imd_deciles:
            conds.append(p.c.imd_decile.in_(criteria.imd_deciles))
        if criteria.languages:
            conds.append(p.c.language.in_(criteria.languages))
        return conds

    def exclusions(
        self, trial_id: uuid.UUID, minimum_age: int, today: date
    ) -> dict[str, ColumnElement[bool]]:
        """domain.eligibility.exclusion in SQL: per reason, in its order, who it leaves out.
        tests/integration/api/test_registry_cohorts.py holds the two to the same answers."""
        ts = trial_statuses
        in_trial = exists().where(
            ts.c.participant_id == p.c.id, ts.c.trial_id == trial_id, ts.c.status != NOT_INVITED
        )
        said_no = exists().where(
            ts.c.participant_id == p.c.id, ts.c.status.in_(NEVER_AGAIN_STATUSES)
        )
        reasons: dict[str, ColumnElement[bool]] = {
            "already_in_trial": in_trial,
            "under_age": p.c.date_of_birth > years_before(today, minimum_age),
            "opted_out": p.c.opted_out,
            "said_no_elsewhere": said_no,
            "no_mobile": ~p.c.textable & p.c.postcode.is_(None) & ~_callable(),
        }
        assert tuple(reasons) == tuple(REASONS), "one order for the rule and its SQL"
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
    ) -> list[ColumnElement[bool]]:
        """Whom the filter finds and the rule lets through. Without `invitable`, a cohort
        that is not limited to mobiles keeps those without one (they are counted apart)."""
        conds = self.filter_conditions(criteria, practice_ods, today)
        for reason, excluded in self.exclusions(trial_id, minimum_age, today).items():
            if reason != "no_mobile" or criteria.textable_only or invitable:
                conds.append(~excluded)
        return conds

    def left_out(
        self,
        criteria: Criteria,
        trial_id: uuid.UUID,
        practice_ods: str,
        today: date,
        minimum_age: int,
    ) -> dict[str, int]:
        """Of those the filter finds, how many the rule leaves out, by first reason."""
        reason = case(
            *(
                (excluded, literal(name))
                for name, excluded in self.exclusions(trial_id, minimum_age, today).items()
            ),
            else_=None,
        ).label("reason")
        query = (
            select(reason, func.count())
            .where(*self.filter_conditions(criteria, practice_ods, today))
            .group_by(reason)
        )
        found = {name: int(n) for name, n in self.session.execute(query) if name is not None}
        return {name: found[name] for name in REASONS if found.get(name)}

    def candidates(self, where: Sequence[ColumnElement[bool]]) -> list[Candidate]:
        """Everyone who meets `where`, with their status in every trial, for the rule."""
        # An alias, so the exclusions' own subqueries on trial_statuses stay correlated to
        # the participant rather than to this join.
        ts = trial_statuses.alias("their_statuses")
        query = (
            select(
                p.c.id,
                p.c.date_of_birth,
                p.c.textable,
                p.c.opted_out,
                ts.c.trial_id,
                ts.c.status,
                p.c.postcode.is_not(None),
                _callable(),
            )
            .select_from(p.outerjoin(ts, ts.c.participant_id == p.c.id))
            .where(*where)
            .order_by(p.c.id)
        )
        found: dict[uuid.UUID, tuple[Any, bool, bool, dict[uuid.UUID, str], bool, bool]] = {}
        for pid, born, textable, opted_out, trial_id, status, postal, call in self.session.execute(
            query
        ):
            facts = found.setdefault(
                pid, (born, bool(textable), bool(opted_out), {}, bool(postal), bool(call))
            )
            if trial_id is not None:
                facts[3][trial_id] = status
        return [Candidate(pid, *facts) for pid, facts in found.items()]

    def candidates_by_id(self, practice_ods: str, ids: Sequence[uuid.UUID]) -> list[Candidate]:
        out: list[Candidate] = []
        for chunk in chunked(ids, 1000):
            out += self.candidates([p.c.practice_ods == practice_ods, p.c.id.in_(chunk)])
        return out

    def breakdown_counts(
        self, where: Sequence[ColumnElement[bool]], today: date
    ) -> dict[str, dict[Any, int]]:
        """How many meet `where`, per value of each of the breakdown's dimensions."""
        band = case(
            *(
                (p.c.date_of_birth > born_after, label)
                for label, born_after in age_band_cutoffs(today)
            ),
            else_=literal("80+"),
        )
        by_letter = ~p.c.textable & p.c.postcode.is_not(None)
        columns = (
            p.c.ethnic_category, p.c.imd_decile, p.c.language, band, p.c.sex, p.c.textable,
            by_letter,
        )  # fmt: skip
        width = len(columns)
        counts: dict[str, dict[Any, int]] = {name: {} for name in DIMENSIONS}
        if self.session.get_bind().dialect.name == "postgresql":
            # One pass, one small result: a grouping set per dimension.
            flags = [func.grouping(c) for c in columns]
            query = (
                select(*columns, *flags, func.count())
                .where(*where)
                .group_by(func.grouping_sets(*(tuple_(c) for c in columns)))
            )
            for row in self.session.execute(query):
                values, grouped, count = row[:width], row[width : 2 * width], row[2 * width]
                index = list(grouped).index(0)  # grouping() is 0 for the set's own column
                counts[DIMENSIONS[index]][values[index]] = int(count)
            return counts
        query = select(*columns, func.count()).where(*where).group_by(*columns)
        for row in self.session.execute(query):
            for name, value in zip(DIMENSIONS, row[:width], strict=True):
                counts[name][value] = counts[name].get(value, 0) + int(row[width])
        return counts

    def member_conditions(self, cohort_id: uuid.UUID) -> list[ColumnElement[bool]]:
        members = select(cohort_members.c.participant_id).where(
            cohort_members.c.cohort_id == cohort_id
        )
        return [p.c.id.in_(members)]

    def add_members(self, cohort_id: uuid.UUID, ids: Sequence[uuid.UUID]) -> None:
        for chunk in chunked(ids, 5000):
            self.session.execute(
                insert(cohort_members),
                [{"cohort_id": cohort_id, "participant_id": i} for i in chunk],
            )

    def mark_invited(self, ids: Sequence[uuid.UUID], trial_id: uuid.UUID, at: Any) -> None:
        """Invited in the trial; someone whose earlier invitation was never sent (its batch
        was cancelled) is invited again."""
        ts = trial_statuses
        for chunk in chunked(ids, 5000):
            self.session.execute(
                delete(ts).where(
                    ts.c.trial_id == trial_id,
                    ts.c.participant_id.in_(chunk),
                    ts.c.status == NOT_INVITED,
                )
            )
            self.session.execute(
                insert(ts),
                [
                    {
                        "participant_id": i,
                        "trial_id": trial_id,
                        "status": "invited",
                        "updated_at": at,
                    }
                    for i in chunk
                ],
            )

    def forget_members(self, batch_id: uuid.UUID, ids: Sequence[uuid.UUID]) -> None:
        """A cancelled batch's unsent members leave the cohort that was frozen for it."""
        chosen = select(cohorts.c.id).where(cohorts.c.batch_id == batch_id)
        for chunk in chunked(ids, 5000):
            self.session.execute(
                delete(cohort_members).where(
                    cohort_members.c.cohort_id.in_(chosen),
                    cohort_members.c.participant_id.in_(chunk),
                )
            )

    def member_ids(self, cohort_id: uuid.UUID, chunk: int) -> Iterator[list[uuid.UUID]]:
        """Members in id order, a chunk at a time (keyset pages, never all in memory)."""
        after: uuid.UUID | None = None
        while True:
            query = select(cohort_members.c.participant_id).where(
                cohort_members.c.cohort_id == cohort_id
            )
            if after is not None:
                query = query.where(cohort_members.c.participant_id > after)
            ids = list(
                self.session.scalars(query.order_by(cohort_members.c.participant_id).limit(chunk))
            )
            if not ids:
                return
            yield ids
            after = ids[-1]

    def unshared_among(self, ids: Sequence[uuid.UUID]) -> list[uuid.UUID]:
        """Those of `ids` that messaging and consent have not heard of yet."""
        found: list[uuid.UUID] = []
        for chunk in chunked(ids, 5000):
            query = select(p.c.id).where(p.c.id.in_(chunk), p.c.shared_at.is_(None))
            found += self.session.scalars(query)
        return found

    def mark_shared(self, ids: Sequence[uuid.UUID], at: Any) -> None:
        for chunk in chunked(ids, 5000):
            self.session.execute(update(p).where(p.c.id.in_(chunk)).values(shared_at=at))

"""Who meets a cohort's filter, counted and broken down in the database, and frozen there."""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from datetime import date
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    case,
    exists,
    func,
    insert,
    literal,
    or_,
    select,
    tuple_,
    update,
)
from sqlalchemy.orm import Session

from services.registry.adapters.orm import cohort_members, participants, trial_statuses
from services.registry.domain.cohorts import (
    DIMENSIONS,
    NEVER_AGAIN_STATUSES,
    Criteria,
    age_band_cutoffs,
)

p = participants


class CohortQueries:
    def __init__(self, session: Session) -> None:
        self.session = session

    def conditions(
        self,
        criteria: Criteria,
        trial_id: uuid.UUID,
        practice_ods: str,
        today: date,
        *,
        invitable: bool = False,
    ) -> list[ColumnElement[bool]]:
        conds: list[ColumnElement[bool]] = [p.c.practice_ods == practice_ods, ~p.c.opted_out]
        if criteria.textable_only or invitable:
            conds.append(p.c.textable)
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
        ts = trial_statuses
        conds.append(
            ~exists().where(
                ts.c.participant_id == p.c.id,
                or_(ts.c.trial_id == trial_id, ts.c.status.in_(NEVER_AGAIN_STATUSES)),
            )
        )
        return conds

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
        columns = (p.c.ethnic_category, p.c.imd_decile, p.c.language, band, p.c.sex, p.c.textable)
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
                values, grouped, count = row[:6], row[6:12], row[12]
                index = list(grouped).index(0)  # grouping() is 0 for the set's own column
                counts[DIMENSIONS[index]][values[index]] = int(count)
            return counts
        query = select(*columns, func.count()).where(*where).group_by(*columns)
        for row in self.session.execute(query):
            for name, value in zip(DIMENSIONS, row[:6], strict=True):
                counts[name][value] = counts[name].get(value, 0) + int(row[6])
        return counts

    def member_conditions(self, cohort_id: uuid.UUID) -> list[ColumnElement[bool]]:
        members = select(cohort_members.c.participant_id).where(
            cohort_members.c.cohort_id == cohort_id
        )
        return [p.c.id.in_(members)]

    def freeze(self, cohort_id: uuid.UUID, where: Sequence[ColumnElement[bool]]) -> int:
        chosen: Select[Any] = select(literal(cohort_id), p.c.id).where(*where)
        self.session.execute(
            insert(cohort_members).from_select(["cohort_id", "participant_id"], chosen)
        )
        # Counted, not taken from the rowcount, which the ORM session does not pass on.
        count = select(func.count()).where(cohort_members.c.cohort_id == cohort_id)
        return int(self.session.execute(count).scalar_one())

    def mark_invited(self, cohort_id: uuid.UUID, trial_id: uuid.UUID, at: Any) -> None:
        chosen = select(
            cohort_members.c.participant_id, literal(trial_id), literal("invited"), literal(at)
        ).where(cohort_members.c.cohort_id == cohort_id)
        self.session.execute(
            insert(trial_statuses).from_select(
                ["participant_id", "trial_id", "status", "updated_at"], chosen
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

    def unshared_members(self, cohort_id: uuid.UUID) -> list[uuid.UUID]:
        query = select(p.c.id).where(
            and_(*self.member_conditions(cohort_id), p.c.shared_at.is_(None))
        )
        return list(self.session.scalars(query))

    def mark_shared(self, ids: Sequence[uuid.UUID], at: Any) -> None:
        for start in range(0, len(ids), 5000):
            self.session.execute(
                update(p).where(p.c.id.in_(ids[start : start + 5000])).values(shared_at=at)
            )

"""Reporting: status counters kept in the same transaction as each change, the registry's
population counts, exports and the funnel's stages (aggregates and bands, never contact
details)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Row, case, delete, func, insert, or_, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from services.consent.adapters.orm import (
    audit_entries,
    channel_contacts,
    consent_records,
    consent_responses,
    participants,
    population_counts,
    status_counts,
)
from services.consent.adapters.repositories.records import filtered
from services.consent.domain.channel_reach import ANSWERED
from services.consent.domain.filters import RecordFilter

_r = consent_records.c
_a = audit_entries.c
_p = participants.c
_resp = consent_responses.c
_cc = channel_contacts.c

# The channel of a record's first answer (its audit entry names it): reach by channel.
_ANSWERED_BY = (
    select(_a.channel)
    .where(_a.record_id == _r.id, _a.to_status.in_(ANSWERED))
    .order_by(_a.seq)
    .limit(1)
    .scalar_subquery()
    .label("answered_by")
)

# The language of the form the patient actually read for the version on the record (their
# latest answer to it), which may differ from the language the registry holds for them.
_FORM_LANGUAGE = (
    select(_resp.language)
    .where(_resp.record_id == _r.id, _resp.form_version == _r.form_version)
    .order_by(_resp.at.desc())
    .limit(1)
    .scalar_subquery()
    .label("form_language")
)

# What exports read per record: the record and the participant's bands, never contact details.
EXPORT_COLUMNS = (
    _r.id,
    _r.study_number,
    _r.trial_id,
    _r.status,
    _r.form_version,
    _r.created_at,
    _r.updated_at,
    _r.practice_ods,
    _p.language,
    _p.sex,
    _p.age_band,
    _p.ethnic_category,
    _p.imd_decile,
    _FORM_LANGUAGE,
)


class ReportingRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def export_rows(
        self, trial_id: uuid.UUID, where: RecordFilter, chunk: int = 2000
    ) -> Iterator[Row[Any]]:
        """Every record of a trial with its bands, streamed from a server-side cursor."""
        query = (
            select(*EXPORT_COLUMNS)
            .select_from(consent_records)
            .outerjoin(participants, _p.participant_id == _r.participant_id)
            .where(_r.trial_id == trial_id)
        )
        query = filtered(query, where, joined=True)
        result = self.session.execute(
            query.order_by(_r.study_number).execution_options(yield_per=chunk)
        )
        yield from result

    def reached_stages(self, trial_id: uuid.UUID) -> Iterator[Row[Any]]:
        """Per record: its bands and whether it ever reached each stage (from the audit)."""

        def reached(*statuses: str) -> Any:
            return func.max(case((_a.to_status.in_(statuses), 1), else_=0))

        query = (
            select(
                _r.id,
                _r.status,
                _r.practice_ods,
                _p.ethnic_category,
                _p.imd_decile,
                _p.language,
                _p.age_band,
                _p.sex,
                reached("interested", "declined", "opted_out").label("replied"),
                reached("interested").label("interested"),
                reached("consented").label("consented"),
                reached("withdrawn").label("withdrawn"),
            )
            .select_from(consent_records)
            .join(audit_entries, _a.record_id == _r.id)
            .outerjoin(participants, _p.participant_id == _r.participant_id)
            .where(_r.trial_id == trial_id)
            .group_by(_r.id, _p.participant_id)
        )
        yield from self.session.execute(query.execution_options(yield_per=5000))  # type: ignore[misc]

    # Reach by channel (domain.channel_reach)

    def note_contact(
        self,
        trial_id: uuid.UUID,
        participant_id: uuid.UUID,
        channel: str,
        delivered: bool,
        at: datetime,
    ) -> None:
        """An invitation went out on a channel (and maybe was delivered): once delivered,
        it stays so, whatever order the statuses arrive in."""
        dialect = self.session.get_bind().dialect.name
        make = postgresql_insert if dialect == "postgresql" else sqlite_insert
        statement = make(channel_contacts).values(
            trial_id=trial_id,
            participant_id=participant_id,
            channel=channel,
            delivered=delivered,
            at=at,
        )
        self.session.execute(
            statement.on_conflict_do_update(
                index_elements=["trial_id", "participant_id", "channel"],
                set_={"delivered": or_(_cc.delivered, statement.excluded.delivered)},
            )
        )

    def channel_reach(self, trial_id: uuid.UUID) -> Iterator[Any]:
        """Per record: participant, status and the channel of its first answer."""
        query = select(_r.participant_id, _r.status, _ANSWERED_BY).where(_r.trial_id == trial_id)
        yield from self.session.execute(query.execution_options(yield_per=5000))

    def contacts(self, trial_id: uuid.UUID) -> Iterator[Any]:
        """Per patient and channel the trial's invitation went out on: whether delivered."""
        query = select(_cc.participant_id, _cc.channel, _cc.delivered).where(
            _cc.trial_id == trial_id
        )
        yield from self.session.execute(query.execution_options(yield_per=5000))

    def invited_on(self, trial_id: uuid.UUID, participant_id: uuid.UUID) -> set[str]:
        """The channels this patient's invitation to the trial went out on."""
        query = select(_cc.channel).where(
            _cc.trial_id == trial_id, _cc.participant_id == participant_id
        )
        return set(self.session.scalars(query))

    def forget_contacts(self, participant_id: uuid.UUID) -> int:
        """Erasure: the channels that reached this patient, in every trial, go."""
        result = self.session.execute(
            delete(channel_contacts).where(_cc.participant_id == participant_id)
        )
        return int(getattr(result, "rowcount", 0) or 0)

    # Summaries, kept as counters in the same transaction as each change

    def count_change(
        self, trial_id: uuid.UUID, practice_ods: str | None, old: str | None, new: str
    ) -> None:
        practice = practice_ods or ""
        if old is not None:
            self.session.execute(
                update(status_counts)
                .where(
                    status_counts.c.trial_id == trial_id,
                    status_counts.c.practice_ods == practice,
                    status_counts.c.status == old,
                )
                .values(n=status_counts.c.n - 1)
            )
        dialect = self.session.get_bind().dialect.name
        make = postgresql_insert if dialect == "postgresql" else sqlite_insert
        statement = make(status_counts).values(
            trial_id=trial_id, practice_ods=practice, status=new, n=1
        )
        self.session.execute(
            statement.on_conflict_do_update(
                index_elements=["trial_id", "practice_ods", "status"],
                set_={"n": status_counts.c.n + 1},
            )
        )

    def status_counts(self, trial_id: uuid.UUID) -> dict[str, int]:
        query = (
            select(status_counts.c.status, func.sum(status_counts.c.n))
            .where(status_counts.c.trial_id == trial_id)
            .group_by(status_counts.c.status)
        )
        return {status: int(count) for status, count in self.session.execute(query).all()}

    def practice_counts(self, trial_id: uuid.UUID) -> dict[str, dict[str, int]]:
        query = select(status_counts.c.practice_ods, status_counts.c.status, status_counts.c.n)
        found: dict[str, dict[str, int]] = {}
        for practice, status, count in self.session.execute(
            query.where(status_counts.c.trial_id == trial_id)
        ):
            found.setdefault(practice, {})[status] = int(count)
        return found

    def practices_in_trial(self, trial_id: uuid.UUID) -> list[str]:
        query = select(status_counts.c.practice_ods).where(status_counts.c.trial_id == trial_id)
        return sorted({p for p in self.session.scalars(query) if p})

    # The registry's populations (aggregate counts only)

    def replace_population(
        self,
        population: str,
        practice_ods: str,
        trial_id: uuid.UUID | None,
        counted_at: datetime,
        counts: dict[str, dict[str, int]],
    ) -> bool:
        """Keep the newest count of a population; False when a newer one is kept already."""
        pc = population_counts.c
        key = (
            (pc.population == population)
            & (pc.practice_ods == practice_ods)
            & (pc.trial_key == (str(trial_id) if trial_id else ""))
        )
        newest = self.session.scalar(select(func.max(pc.counted_at)).where(key))
        if newest is not None and _aware(newest) > counted_at:
            return False
        self.session.execute(delete(population_counts).where(key))
        rows = [
            {
                "population": population,
                "practice_ods": practice_ods,
                "trial_key": str(trial_id) if trial_id else "",
                "band": band,
                "value": value,
                "n": n,
                "counted_at": counted_at,
            }
            for band, values in counts.items()
            for value, n in values.items()
        ]
        if rows:
            self.session.execute(insert(population_counts), rows)
        return True

    def populations(
        self, population: str, trial_id: uuid.UUID | None, practices: Sequence[str]
    ) -> dict[str, dict[str, dict[str, int]]]:
        """practice -> band -> value -> n, for these practices."""
        pc = population_counts.c
        query = select(pc.practice_ods, pc.band, pc.value, pc.n).where(
            pc.population == population,
            pc.trial_key == (str(trial_id) if trial_id else ""),
            pc.practice_ods.in_(practices),
        )
        found: dict[str, dict[str, dict[str, int]]] = {}
        for practice, band, value, n in self.session.execute(query):
            found.setdefault(practice, {}).setdefault(band, {})[value] = int(n)
        return found


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)

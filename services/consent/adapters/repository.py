"""Consent repositories on a SQLAlchemy session."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Row, case, delete, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from services.consent.adapters.orm import (
    audit_entries,
    consent_forms,
    consent_links,
    consent_records,
    consent_responses,
    participants,
    population_counts,
    status_counts,
    study_sequences,
    trials,
)
from services.consent.domain.audit import AuditEntry
from services.consent.domain.forms import ConsentForm, Item, Translation
from services.consent.domain.lifecycle import ConsentRecord
from services.consent.domain.links import ConsentLink
from services.consent.domain.participant import ParticipantBands
from services.consent.domain.responses import ConsentResponse

# Queries name the tables' columns: the domain dataclasses stay plain for the type checker.
_r = consent_records.c
_a = audit_entries.c
_f = consent_forms.c
_p = participants.c


@dataclass(frozen=True)
class RecordFilter:
    status: str | None = None
    practice_ods: str | None = None
    language: str | None = None
    age_band: str | None = None
    sex: str | None = None
    ethnic_category: str | None = None
    updated_since: datetime | None = None

    @property
    def needs_bands(self) -> bool:
        return any((self.language, self.age_band, self.sex, self.ethnic_category))


@dataclass(frozen=True)
class TrialInfo:
    id: uuid.UUID
    short_name: str
    title: str
    response_deadline_days: int | None
    identity_check: str = "dob"


_resp = consent_responses.c

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


# Published forms never change, so every process may keep them: the page reads one per view.
_published: dict[tuple[uuid.UUID, int], ConsentForm] = {}
# Which version is the newest published one, per trial, for a few seconds: another process
# publishing a new version is seen within LATEST_FOR; this process sees its own at once.
LATEST_FOR = 5.0
_latest: dict[uuid.UUID, tuple[float, int | None]] = {}


class ConsentRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(
        self,
        obj: ParticipantBands | ConsentRecord | AuditEntry | ConsentLink | ConsentResponse,
    ) -> None:
        self.session.add(obj)

    # Participants and trials

    def participant(self, participant_id: uuid.UUID) -> ParticipantBands | None:
        return self.session.get(ParticipantBands, participant_id)

    def save_trial(
        self, trial_id: uuid.UUID, short_name: str, title: str, deadline_days: int | None
    ) -> None:
        # Updated in place: consent's own settings of the trial (its identity check) stay.
        values = {"short_name": short_name, "title": title, "response_deadline_days": deadline_days}
        done = self.session.execute(update(trials).where(trials.c.id == trial_id).values(values))
        if not done.rowcount:  # type: ignore[attr-defined]
            self.session.execute(insert(trials).values(id=trial_id, **values))

    def set_identity_check(self, trial_id: uuid.UUID, check: str) -> bool:
        done = self.session.execute(
            update(trials).where(trials.c.id == trial_id).values(identity_check=check)
        )
        return bool(done.rowcount)  # type: ignore[attr-defined]

    def trial(self, trial_id: uuid.UUID) -> TrialInfo | None:
        row = self.session.execute(select(trials).where(trials.c.id == trial_id)).first()
        return TrialInfo(*row) if row else None

    def trials_with_deadline(self) -> Sequence[TrialInfo]:
        rows = self.session.execute(
            select(trials).where(trials.c.response_deadline_days.is_not(None))
        ).all()
        return [TrialInfo(*row) for row in rows]

    # Records

    def record(
        self, participant_id: uuid.UUID, trial_id: uuid.UUID, *, lock: bool = False
    ) -> ConsentRecord | None:
        query = select(ConsentRecord).where(
            _r.participant_id == participant_id,
            _r.trial_id == trial_id,
        )
        if lock:
            query = query.with_for_update()
        return self.session.scalars(query).first()

    def link_with_record(
        self, link_id: uuid.UUID
    ) -> tuple[ConsentLink, ConsentRecord, ParticipantBands | None] | None:
        """What the consent page needs about a link, in one round trip."""
        _l = consent_links.c
        query = (
            select(ConsentLink, ConsentRecord, ParticipantBands)
            .join(
                consent_records,
                (_r.participant_id == _l.participant_id) & (_r.trial_id == _l.trial_id),
            )
            .outerjoin(participants, _p.participant_id == _l.participant_id)
            .where(_l.id == link_id)
        )
        row = self.session.execute(query).first()
        return (row[0], row[1], row[2]) if row else None

    def record_by_study_number(
        self, trial_id: uuid.UUID, study_number: str, *, lock: bool = False
    ) -> ConsentRecord | None:
        query = select(ConsentRecord).where(
            _r.trial_id == trial_id, _r.study_number == study_number
        )
        if lock:
            query = query.with_for_update()
        return self.session.scalars(query).first()

    def next_study_sequence(self, trial_id: uuid.UUID) -> int:
        """The trial's next sequence number; the row lock it takes serialises concurrent
        invitations in one trial until their transaction ends, so no number is given twice."""
        dialect = self.session.get_bind().dialect.name
        make = postgresql_insert if dialect == "postgresql" else sqlite_insert
        statement = (
            make(study_sequences)
            .values(trial_id=trial_id, last_number=1)
            .on_conflict_do_update(
                index_elements=["trial_id"],
                set_={"last_number": study_sequences.c.last_number + 1},
            )
            .returning(study_sequences.c.last_number)
        )
        return int(self.session.execute(statement).scalar_one())

    def record_with_bands(
        self, participant_id: uuid.UUID, trial_id: uuid.UUID
    ) -> tuple[ConsentRecord, ParticipantBands | None] | None:
        """The record and the participant's bands in one round trip."""
        query = (
            select(ConsentRecord, ParticipantBands)
            .outerjoin(participants, _p.participant_id == _r.participant_id)
            .where(_r.participant_id == participant_id, _r.trial_id == trial_id)
        )
        row = self.session.execute(query).first()
        return (row[0], row[1]) if row else None

    def record_with_history(
        self, study_number: str, trial_id: uuid.UUID
    ) -> tuple[ConsentRecord, ParticipantBands | None, list[AuditEntry]] | None:
        """The record, the bands and the audit chain in one round trip (one row per entry)."""
        query = (
            select(ConsentRecord, ParticipantBands, AuditEntry)
            .outerjoin(participants, _p.participant_id == _r.participant_id)
            .outerjoin(audit_entries, _a.record_id == _r.id)
            .where(_r.study_number == study_number, _r.trial_id == trial_id)
            .order_by(_a.seq)
        )
        rows = self.session.execute(query).all()
        if not rows:
            return None
        return rows[0][0], rows[0][1], [row[2] for row in rows if row[2] is not None]

    def records_of(self, participant_id: uuid.UUID) -> Sequence[ConsentRecord]:
        query = select(ConsentRecord).where(_r.participant_id == participant_id)
        return self.session.scalars(query).all()

    def records_in_trial(
        self, trial_id: uuid.UUID, where: RecordFilter, after: str | None, limit: int
    ) -> Sequence[ConsentRecord]:
        """A page of a trial's records by study number (the unique key coordinators see)."""
        query = select(ConsentRecord).where(_r.trial_id == trial_id)
        query = self._filtered(query, where)
        if after is not None:
            query = query.where(_r.study_number > after)
        return self.session.scalars(query.order_by(_r.study_number).limit(limit)).all()

    def _filtered(self, query: Any, where: RecordFilter, *, joined: bool = False) -> Any:
        if where.status is not None:
            query = query.where(_r.status == where.status)
        if where.practice_ods is not None:
            query = query.where(_r.practice_ods == where.practice_ods)
        if where.updated_since is not None:
            query = query.where(_r.updated_at >= where.updated_since)
        if where.needs_bands:
            if not joined:
                query = query.join(participants, _p.participant_id == _r.participant_id)
            for name in ("language", "age_band", "sex", "ethnic_category"):
                value = getattr(where, name)
                if value is not None:
                    query = query.where(getattr(_p, name) == value)
        return query

    def records_with_status(
        self, trial_id: uuid.UUID, statuses: Sequence[str], updated_before: datetime, limit: int
    ) -> Sequence[ConsentRecord]:
        query = (
            select(ConsentRecord)
            .where(
                _r.trial_id == trial_id,
                _r.status.in_(statuses),
                _r.updated_at < updated_before,
            )
            .limit(limit)
        )
        return self.session.scalars(query).all()

    def consented_before_version(
        self, trial_id: uuid.UUID, version: int
    ) -> Sequence[ConsentRecord]:
        query = select(ConsentRecord).where(
            _r.trial_id == trial_id, _r.status == "consented", _r.form_version < version
        )
        return self.session.scalars(query).all()

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
        query = self._filtered(query, where, joined=True)
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

    def practices_in_trial(self, trial_id: uuid.UUID) -> list[str]:
        query = select(status_counts.c.practice_ods).where(status_counts.c.trial_id == trial_id)
        return sorted({p for p in self.session.scalars(query) if p})

    # Audit

    def history(self, record_id: uuid.UUID) -> Sequence[AuditEntry]:
        query = select(AuditEntry).where(_a.record_id == record_id).order_by(_a.seq)
        return self.session.scalars(query).all()

    def record_heads(
        self, trial_id: uuid.UUID | None, after: uuid.UUID | None, limit: int
    ) -> Sequence[Any]:
        """The next page of records' (id, participant, trial, last seq, last hash), by id."""
        query = select(_r.id, _r.participant_id, _r.trial_id, _r.last_seq, _r.last_hash)
        if trial_id is not None:
            query = query.where(_r.trial_id == trial_id)
        if after is not None:
            query = query.where(_r.id > after)
        return self.session.execute(query.order_by(_r.id).limit(limit)).all()

    def histories(self, record_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[AuditEntry]]:
        found: dict[uuid.UUID, list[AuditEntry]] = {rid: [] for rid in record_ids}
        query = select(AuditEntry).where(_a.record_id.in_(record_ids)).order_by(_a.seq)
        for entry in self.session.scalars(query):
            found[entry.record_id].append(entry)
        return found

    # Forms

    def form(self, trial_id: uuid.UUID, version: int) -> ConsentForm | None:
        cached = _published.get((trial_id, version))
        if cached is not None:
            return cached
        row = self.session.execute(
            select(consent_forms).where(_f.trial_id == trial_id, _f.version == version)
        ).first()
        if row is None:
            return None
        form = _form(row)
        if form.is_published:
            _published[(trial_id, version)] = form
        return form

    def forms(self, trial_id: uuid.UUID) -> list[ConsentForm]:
        rows = self.session.execute(
            select(consent_forms).where(_f.trial_id == trial_id).order_by(_f.version)
        ).all()
        return [_form(row) for row in rows]

    def latest_published(self, trial_id: uuid.UUID) -> ConsentForm | None:
        version = self.latest_published_version(trial_id)
        return self.form(trial_id, version) if version is not None else None

    def latest_published_version(self, trial_id: uuid.UUID) -> int | None:
        cached = _latest.get(trial_id)
        if cached is not None and cached[0] > time.monotonic():
            return cached[1]
        version = self.session.scalar(
            select(func.max(_f.version)).where(_f.trial_id == trial_id, _f.status == "published")
        )
        _latest[trial_id] = (time.monotonic() + LATEST_FOR, version)
        return version

    def reconsent_required_since(self, trial_id: uuid.UUID, version: int) -> bool:
        """Whether a form published after `version` asks earlier agreements to be renewed."""
        found = self.session.scalar(
            select(func.count())
            .select_from(consent_forms)
            .where(
                _f.trial_id == trial_id,
                _f.status == "published",
                _f.version > version,
                _f.requires_reconsent.is_(True),
            )
        )
        return bool(found)

    def next_form_version(self, trial_id: uuid.UUID) -> int:
        latest = self.session.scalar(select(func.max(_f.version)).where(_f.trial_id == trial_id))
        return (latest or 0) + 1

    def insert_form(self, form: ConsentForm) -> None:
        self.session.execute(insert(consent_forms).values(**_form_values(form)))

    def update_draft(self, form: ConsentForm) -> None:
        """Writes only over a draft: a published row is never touched."""
        _latest.pop(form.trial_id, None)
        self.session.execute(
            update(consent_forms)
            .where(_f.trial_id == form.trial_id, _f.version == form.version, _f.status == "draft")
            .values(**_form_values(form))
        )

    # Links and responses

    def link(self, link_id: uuid.UUID, *, lock: bool = False) -> ConsentLink | None:
        if not lock:
            return self.session.get(ConsentLink, link_id)
        query = select(ConsentLink).where(consent_links.c.id == link_id).with_for_update()
        return self.session.scalars(query).first()

    def live_links(self, participant_id: uuid.UUID, trial_id: uuid.UUID) -> Sequence[ConsentLink]:
        query = select(ConsentLink).where(
            consent_links.c.participant_id == participant_id,
            consent_links.c.trial_id == trial_id,
            consent_links.c.revoked_at.is_(None),
        )
        return self.session.scalars(query).all()

    def responses(self, record_id: uuid.UUID) -> Sequence[ConsentResponse]:
        query = (
            select(ConsentResponse)
            .where(consent_responses.c.record_id == record_id)
            .order_by(consent_responses.c.at)
        )
        return self.session.scalars(query).all()

    def latest_agreement(self, record_id: uuid.UUID) -> ConsentResponse | None:
        query = (
            select(ConsentResponse)
            .where(
                consent_responses.c.record_id == record_id,
                consent_responses.c.decision == "agreed",
            )
            .order_by(consent_responses.c.at.desc())
            .limit(1)
        )
        return self.session.scalars(query).first()


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _form_values(form: ConsentForm) -> dict[str, Any]:
    return {
        "trial_id": form.trial_id,
        "version": form.version,
        "status": form.status,
        "items": [{"key": i.key, "mandatory": i.mandatory} for i in form.items],
        "translations": {
            code: {
                "title": t.title,
                "summary": t.summary,
                "sheet_url": t.sheet_url,
                "items": t.items,
            }
            for code, t in form.translations.items()
        },
        "requires_reconsent": form.requires_reconsent,
        "content_hash": form.content_hash,
        "created_at": form.created_at,
        "published_at": form.published_at,
        "ethics_reference": form.ethics_reference,
    }


def _form(row: Row[Any]) -> ConsentForm:
    return ConsentForm(
        trial_id=row.trial_id,
        version=row.version,
        items=[Item(i["key"], i["mandatory"]) for i in row.items],
        translations={code: Translation(**t) for code, t in row.translations.items()},
        requires_reconsent=row.requires_reconsent,
        status=row.status,
        content_hash=row.content_hash,
        created_at=row.created_at,
        published_at=row.published_at,
        ethics_reference=row.ethics_reference,
    )

"""What coordinators ask: summaries, records, one record's history, exports, the equity report."""

from __future__ import annotations

import csv
import io
import json
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from services.consent.adapters.repository import RecordFilter
from services.consent.domain import disclosure, equity, fhir, lifecycle
from services.consent.domain.audit import AuditEntry, first_broken
from services.consent.domain.lifecycle import STATUSES, ConsentRecord
from services.consent.domain.participant import ParticipantBands
from services.consent.domain.responses import ConsentResponse
from services.consent.service_layer.unit_of_work import ConsentUnitOfWork
from shared.auth.principal import Principal
from shared.errors import NotFound

UowFactory = Callable[[], ConsentUnitOfWork]


@dataclass(frozen=True)
class RecordView:
    record: ConsentRecord
    participant: ParticipantBands | None
    history: Sequence[AuditEntry]
    responses: Sequence[ConsentResponse]
    chain_broken_at: int | None


def get_record(
    uow: ConsentUnitOfWork, principal: Principal, trial_id: uuid.UUID, study_number: str
) -> RecordView:
    principal.require_trial(trial_id)
    with uow:
        found = uow.consent.record_with_history(study_number, trial_id)
        if found is None:
            raise NotFound(f"no consent record {study_number} in trial {trial_id}")
        record, participant, history = found
        broken = first_broken(history, head=(record.last_seq, record.last_hash))
        # Only a record that reached the page can have answers: skip the query otherwise.
        answered = record.form_version is not None
        responses = uow.consent.responses(record.id) if answered else []
        return RecordView(record, participant, history, responses, broken)


def list_records(
    uow: ConsentUnitOfWork,
    principal: Principal,
    trial_id: uuid.UUID,
    where: RecordFilter,
    after: str | None,
    limit: int,
) -> Sequence[ConsentRecord]:
    principal.require_trial(trial_id)
    with uow:
        return uow.consent.records_in_trial(trial_id, where, after, limit)


def summary(uow: ConsentUnitOfWork, principal: Principal, trial_id: uuid.UUID) -> dict[str, int]:
    principal.require_trial(trial_id)
    with uow:
        counts = uow.consent.status_counts(trial_id)
    return {status: counts.get(status, 0) for status in STATUSES}


def practice_summary(
    uow: ConsentUnitOfWork, principal: Principal, trial_id: uuid.UUID
) -> list[tuple[str, dict[str, int]]]:
    principal.require_trial(trial_id)
    with uow:
        found = uow.consent.practice_counts(trial_id)
    return [
        (practice or "not known", {s: counts.get(s, 0) for s in STATUSES})
        for practice, counts in sorted(found.items())
    ]


# Exports stream: each opens its own unit of work and holds it only while it is read.

# A participant is named by their study number in the trial, never the registry's id.
CSV_COLUMNS = (
    "study_number",
    "trial_id",
    "status",
    "form_version",
    "form_language",
    "created_at",
    "updated_at",
    "practice_ods",
    "language",
    "sex",
    "age_band",
    "ethnic_category",
    "imd_quintile",
)


def export_csv(
    uow_factory: UowFactory, principal: Principal, trial_id: uuid.UUID, where: RecordFilter
) -> Iterator[str]:
    principal.require_trial(trial_id)

    def rows() -> Iterator[str]:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(CSV_COLUMNS)
        with uow_factory() as uow:
            for count, row in enumerate(uow.consent.export_rows(trial_id, where), 1):
                writer.writerow(
                    (
                        row.study_number,
                        row.trial_id,
                        row.status,
                        row.form_version,
                        row.form_language,
                        row.created_at.isoformat(),
                        row.updated_at.isoformat(),
                        row.practice_ods,
                        row.language,
                        row.sex,
                        row.age_band,
                        row.ethnic_category,
                        (row.imd_decile + 1) // 2 if row.imd_decile else None,
                    )
                )
                if count % 500 == 0:
                    yield buffer.getvalue()
                    buffer.seek(0)
                    buffer.truncate()
        yield buffer.getvalue()

    return rows()


def export_fhir(
    uow_factory: UowFactory, principal: Principal, trial_id: uuid.UUID, where: RecordFilter
) -> Iterator[str]:
    """A FHIR R4 Bundle (collection) streamed entry by entry, so memory stays flat."""
    principal.require_trial(trial_id)

    def chunks() -> Iterator[str]:
        yield '{"resourceType":"Bundle","type":"collection","entry":['
        hashes: dict[int, str | None] = {}
        first = True
        parts: list[str] = []
        with uow_factory() as uow:
            for row in uow.consent.export_rows(trial_id, where):
                version = row.form_version
                if version is not None and version not in hashes:
                    form = uow.consent.form(trial_id, version)
                    hashes[version] = form.content_hash if form else None
                consent = fhir.consent_resource(row, hashes.get(version) if version else None)
                subject = fhir.research_subject_resource(row)
                for resource in (consent, subject):
                    entry = {"fullUrl": f"urn:uuid:{resource['id']}", "resource": resource}
                    parts.append(("" if first else ",") + json.dumps(entry, separators=(",", ":")))
                    first = False
                if len(parts) >= 1000:
                    yield "".join(parts)
                    parts.clear()
        yield "".join(parts) + "]}"

    return chunks()


# The equity report


@dataclass(frozen=True)
class EquityReport:
    trial_id: uuid.UUID
    totals: dict[str, int]
    rows: list[equity.GroupRow]
    hidden_totals: set[str]  # totals shown as "<5"
    has_eligible: bool  # whether the registry has counted the eligible cohort
    has_practice_lists: bool


def equity_report(
    uow: ConsentUnitOfWork, principal: Principal, trial_id: uuid.UUID
) -> EquityReport:
    """The report as it may be shown: current consent, small numbers suppressed."""
    principal.require_trial(trial_id)
    with uow:
        people = [
            equity.Person(
                ethnic_category=row.ethnic_category,
                imd_decile=row.imd_decile,
                language=row.language,
                age_band=row.age_band,
                sex=row.sex,
                practice=row.practice_ods,
                reached=_reached(row),
            )
            for row in uow.consent.reached_stages(trial_id)
            if row.status not in lifecycle.NOT_COUNTED_AS_INVITED
        ]
        practices = uow.consent.practices_in_trial(trial_id)
        eligible = _population(uow, "eligible", trial_id, practices)
        lists = _population(uow, "practice_list", None, practices)
    totals, rows = equity.build_report(people, eligible or None, lists or None)
    hidden = disclosure.suppress(totals, rows)
    return EquityReport(trial_id, totals, rows, hidden, bool(eligible), bool(lists))


def _reached(row: Any) -> frozenset[str]:
    reached = {"invited"} | {s for s in ("replied", "interested", "withdrawn") if getattr(row, s)}
    if row.status == lifecycle.CONSENTED:
        reached.add("consented")  # now, not ever: a withdrawal takes it away
    return frozenset(reached)


def _population(
    uow: ConsentUnitOfWork, name: str, trial_id: uuid.UUID | None, practices: Sequence[str]
) -> dict[str, dict[str, int]]:
    per_practice = uow.consent.populations(name, trial_id, practices)
    return equity.add_populations(
        *(equity.population_groups(bands, ods) for ods, bands in per_practice.items())
    )


def equity_csv(report: EquityReport) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    stages = equity.STAGES
    header = ["dimension", "group", *stages]
    for stage in stages[1:]:
        header += [f"{stage}_rate", f"{stage}_ci_low", f"{stage}_ci_high"]
    header += ["share_of_invited", "share_of_consented", "participation_to_prevalence_ratio"]
    header += ["ppr_eligible_cohort", "ppr_practice_list", "flag"]
    writer.writerow(header)
    writer.writerow(
        ["all", "all", *disclosure.shown(report.totals, report.hidden_totals).values()]
        + [""] * (len(header) - 2 - len(stages))
    )
    for row in report.rows:
        line: list[object] = [row.dimension, row.group]
        line += list(disclosure.shown(row.counts, row.suppressed).values())
        for stage in stages[1:]:
            interval = row.intervals[stage]
            line += [
                _fmt(row.rates[stage]),
                _fmt(interval[0] if interval else None),
                _fmt(interval[1] if interval else None),
            ]
        line += [_fmt(row.share_of_invited), _fmt(row.share_of_consented), _fmt(row.ppr)]
        line += [_fmt(row.ppr_eligible), _fmt(row.ppr_practice_list), row.flag or ""]
        writer.writerow(line)
    yield buffer.getvalue()


def _fmt(value: float | None) -> str:
    return "" if value is None else f"{value:.4f}"

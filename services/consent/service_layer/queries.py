"""What coordinators ask: summaries, records, one record's history, exports, the equity report."""

from __future__ import annotations

import csv
import io
import json
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from services.consent.domain import (
    channel_reach,
    disclosure,
    equity,
    fhir,
    fhir_signatures,
    fhir_understanding,
    lifecycle,
)
from services.consent.domain.audit import AuditEntry, first_broken
from services.consent.domain.filters import RecordFilter
from services.consent.domain.forms import ConsentForm
from services.consent.domain.lifecycle import STATUSES, ConsentRecord
from services.consent.domain.participant import ParticipantBands
from services.consent.domain.responses import ConsentResponse
from services.consent.domain.understanding_review import AnsweredQuestion, answered_questions
from services.consent.service_layer.published_forms import PUBLISHED
from services.consent.service_layer.unit_of_work import ConsentUnitOfWork
from shared.auth.principal import Principal
from shared.chunks import chunked
from shared.errors import NotFound

UowFactory = Callable[[], ConsentUnitOfWork]


@dataclass(frozen=True)
class RecordView:
    record: ConsentRecord
    participant: ParticipantBands | None
    history: Sequence[AuditEntry]
    responses: Sequence[ConsentResponse]
    chain_broken_at: int | None
    understanding: Sequence[AnsweredQuestion] = ()


def get_record(
    uow: ConsentUnitOfWork, principal: Principal, trial_id: uuid.UUID, study_number: str
) -> RecordView:
    principal.require_trial(trial_id)
    with uow:
        # Reads only, in one statement (record, bands, chain, page answers, understanding
        # answers); the form's words, for a record with understanding answers, are the
        # published version's, remembered by the process (service_layer/published_forms.py).
        uow.read_only()
        found = uow.records.record_view(study_number, trial_id)
        if found is None:
            raise NotFound(f"no consent record {study_number} in trial {trial_id}")
        record = found.record
        broken = first_broken(found.history, head=(record.last_seq, record.last_hash))
        understanding = (
            answered_questions(found.understanding, lambda v: PUBLISHED.form(uow, trial_id, v))
            if found.understanding
            else []
        )
        return RecordView(
            record, found.participant, found.history, found.responses, broken, understanding
        )


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
        return uow.records.records_in_trial(trial_id, where, after, limit)


@dataclass(frozen=True)
class TrialSummary:
    """A trial's consent records per status, every status named (the API's SummaryOut)."""

    trial_id: uuid.UUID
    counts: dict[str, int]
    total: int


@dataclass(frozen=True)
class PracticeCounts:
    """One practice's records per status (the API's PracticeSummaryOut)."""

    practice_ods: str
    counts: dict[str, int]
    total: int


@dataclass(frozen=True)
class PracticeSummary:
    """Each practice's counts, practices in order (the API's PracticeSummaryPage)."""

    trial_id: uuid.UUID
    practices: list[PracticeCounts]


def _every_status(counts: dict[str, int]) -> dict[str, int]:
    return {status: counts.get(status, 0) for status in STATUSES}


def summary(uow: ConsentUnitOfWork, principal: Principal, trial_id: uuid.UUID) -> TrialSummary:
    principal.require_trial(trial_id)
    with uow:
        counts = _every_status(uow.reporting.status_counts(trial_id))
    return TrialSummary(trial_id, counts, sum(counts.values()))


def practice_summary(
    uow: ConsentUnitOfWork, principal: Principal, trial_id: uuid.UUID
) -> PracticeSummary:
    principal.require_trial(trial_id)
    with uow:
        found = uow.reporting.practice_counts(trial_id)
    practices = []
    for practice, per_status in sorted(found.items()):
        counts = _every_status(per_status)
        practices.append(PracticeCounts(practice or "not known", counts, sum(counts.values())))
    return PracticeSummary(trial_id, practices)


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
            for count, row in enumerate(uow.reporting.export_rows(trial_id, where), 1):
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
        forms: dict[int, ConsentForm | None] = {}
        first = True
        with uow_factory() as uow:

            def form_of(version: int) -> ConsentForm | None:
                if version not in forms:
                    forms[version] = uow.forms.form(trial_id, version)
                return forms[version]

            # In groups, so each group's answers and attestations come in one query each
            # and memory stays flat.
            for group in chunked(uow.reporting.export_rows(trial_id, where), 500):
                ids = [row.id for row in group]
                answers = uow.responses.latest_answers(ids)
                attested = uow.confirmation.attestations_of(ids)
                understood = uow.understanding.answers_of(ids)
                parts: list[str] = []
                for row in group:
                    version = row.form_version
                    form = form_of(version) if version is not None else None
                    form_hash = form.content_hash if form else None
                    consent = fhir.consent_resource(row, form_hash, answers.get(row.id))
                    team = attested.get(row.id, [])
                    if fhir_signatures.verification(team):
                        consent["verification"] = fhir_signatures.verification(team)
                    checked = None
                    if version is not None and row.id in understood:
                        answered = answered_questions(understood[row.id], form_of)
                        checked = fhir_understanding.questionnaire_response(row, answered, version)
                    if checked:
                        consent["sourceReference"] = {"reference": f"urn:uuid:{checked['id']}"}
                    subject = fhir.research_subject_resource(row)
                    signed = fhir_signatures.provenance(row.id, team)
                    extra = [r for r in (signed, checked) if r]
                    for resource in (consent, subject, *extra):
                        entry = {"fullUrl": f"urn:uuid:{resource['id']}", "resource": resource}
                        parts.append(
                            ("" if first else ",") + json.dumps(entry, separators=(",", ":"))
                        )
                        first = False
                yield "".join(parts)
        yield "]}"

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
    channels: list[channel_reach.ChannelRow]  # reach by channel, suppressed


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
            for row in uow.reporting.reached_stages(trial_id)
            if row.status not in lifecycle.NOT_COUNTED_AS_INVITED
        ]
        practices = uow.reporting.practices_in_trial(trial_id)
        eligible = _population(uow, "eligible", trial_id, practices)
        lists = _population(uow, "practice_list", None, practices)
        channels = channel_reach.by_channel(_channel_reach(uow, trial_id))
    totals, rows = equity.build_report(people, eligible or None, lists or None)
    hidden = disclosure.suppress(totals, rows)
    return EquityReport(trial_id, totals, rows, hidden, bool(eligible), bool(lists), channels)


def _channel_reach(uow: ConsentUnitOfWork, trial_id: uuid.UUID) -> list[channel_reach.Reach]:
    """The invited as the equity report counts them, each with the channels it went out on."""
    contacts: dict[uuid.UUID, dict[str, bool]] = {}
    for row in uow.reporting.contacts(trial_id):
        contacts.setdefault(row.participant_id, {})[row.channel] = bool(row.delivered)
    return [
        channel_reach.Reach(
            contacts=contacts.get(row.participant_id, {}),
            answered_by=row.answered_by,
            consented=row.status == lifecycle.CONSENTED,
        )
        for row in uow.reporting.channel_reach(trial_id)
        if row.status not in lifecycle.NOT_COUNTED_AS_INVITED
    ]


def _reached(row: Any) -> frozenset[str]:
    reached = {"invited"} | {s for s in ("replied", "interested", "withdrawn") if getattr(row, s)}
    if row.status == lifecycle.CONSENTED:
        reached.add("consented")  # now, not ever: a withdrawal takes it away
    return frozenset(reached)


def _population(
    uow: ConsentUnitOfWork, name: str, trial_id: uuid.UUID | None, practices: Sequence[str]
) -> dict[str, dict[str, int]]:
    per_practice = uow.reporting.populations(name, trial_id, practices)
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
    header += ["ppr_eligible_cohort", "ppr_practice_list", "flag", "delivered"]
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
        line += [_fmt(row.ppr_eligible), _fmt(row.ppr_practice_list), row.flag or "", ""]
        writer.writerow(line)
    for reach in report.channels:
        # Reach by channel (decision 30): the same columns where they mean the same thing,
        # and "delivered", which only these rows have. A patient tried on several channels
        # counts on each, so these rows do not add up to the totals as a dimension's do.
        cells: dict[str, object] = {"dimension": CHANNEL_ROWS, "group": reach.channel}
        cells.update(reach.shown())
        writer.writerow([cells.get(column, "") for column in header])
    yield buffer.getvalue()


CHANNEL_ROWS = "reach_by_channel"


def _fmt(value: float | None) -> str:
    return "" if value is None else f"{value:.4f}"

"""Importing a practice's patient list: check the file, then read, validate and store it
in batches in the background, keeping progress, every bad row's reason and a note on each
row imported with a language that could not be read."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import IO
from zoneinfo import ZoneInfo

from services.registry.domain import imports as jobs
from services.registry.domain.identifiers import NOT_REGISTRABLE, erasure_key, parse_ods_code
from services.registry.domain.imports import ImportJob
from services.registry.domain.patient_columns import FileProblem, map_columns
from services.registry.domain.patient_list import csv_records, csv_rows, json_records
from services.registry.domain.patient_rows import PatientRow, RowError, parse_record
from services.registry.service_layer.unit_of_work import RegistryUnitOfWork
from shared import clock
from shared.auth.principal import Principal
from shared.dob import keyed_dob_hash
from shared.errors import NotFound
from shared.logs import get_logger

log = get_logger(__name__)

BATCH_SIZE = 5000
Records = Iterator[tuple[int, dict[str, str], list[RowError]]]


@dataclass(frozen=True)
class Upload:
    """The uploaded file, spooled to disk so that it is never held in memory."""

    path: Path
    format: str  # csv, json or jsonl
    filename: str | None = None


def scan(upload: Upload) -> tuple[int, list[str]]:
    """Read the whole file once for its shape: (patient rows, ignored columns).

    Every problem with the file as a whole shows here, before any job starts.
    """
    with upload.path.open("rb") as stream:
        if upload.format == "csv":
            rows = csv_rows(stream)
            header = next(rows, None)
            if header is None:
                raise FileProblem("the file is empty")
            columns = map_columns(header[1])
            total = sum(1 for _ in rows)
            if total == 0:
                raise FileProblem("the file has a header but no patients")
            return total, list(columns.ignored)
        total = sum(1 for _ in json_records(stream, lines=upload.format == "jsonl"))
    if total == 0:
        raise FileProblem("the file holds no patients")
    return total, []


def check_practice(uow: RegistryUnitOfWork, principal: Principal, practice_ods: str) -> str:
    ods = parse_ods_code(practice_ods, "practice_ods")
    principal.require_practice(ods)
    with uow:
        if uow.registry.practice(ods) is None:
            raise NotFound(f"no practice {ods}")
    return ods


def start_import(
    uow: RegistryUnitOfWork,
    principal: Principal,
    practice_ods: str,
    upload: Upload,
    dry_run: bool,
) -> ImportJob:
    ods = check_practice(uow, principal, practice_ods)
    total, ignored = scan(upload)
    job = ImportJob(
        practice_ods=ods,
        format=upload.format,
        dry_run=dry_run,
        requested_by=principal.name,
        rows_total=total,
        filename=upload.filename,
        ignored_columns=ignored,
    )
    with uow:
        uow.registry.add(job)
        uow.commit()
    return job


def visible_import(
    uow: RegistryUnitOfWork, principal: Principal, import_id: uuid.UUID
) -> ImportJob:
    with uow:
        job = principal.visible_at_practice(
            uow.registry.import_job(import_id), f"no import {import_id}"
        )
        if job.is_interrupted(clock.now()):
            job.status = jobs.FAILED
            job.problem = (
                "the import stopped before it finished (the server restarted); "
                "upload the file again: patients stored already are updated, not doubled"
            )
            job.finished_at = clock.now()
            uow.commit()
        return job


def imports_of(
    uow: RegistryUnitOfWork, principal: Principal, practice_ods: str
) -> Sequence[ImportJob]:
    ods = parse_ods_code(practice_ods, "practice_ods")
    principal.require_practice(ods)
    with uow:
        return uow.registry.import_jobs(ods)


def error_report(
    uow_factory: Callable[[], RegistryUnitOfWork],
    principal: Principal,
    import_id: uuid.UUID,
    page: int = 5000,
) -> Iterator[tuple[int, str, str, str]]:
    """Every reported problem and note as (line, column, reason, kind), in file order, a
    page at a time; kind is "error" (the row was not imported) or "note" (it was)."""
    visible_import(uow_factory(), principal, import_id)

    def rows() -> Iterator[tuple[int, str, str, str]]:
        after: tuple[int, int] | None = None
        while True:
            with uow_factory() as uow:
                found = uow.registry.import_errors_page(import_id, after, page)
            if not found:
                return
            for line, _, column, reason, kind in found:
                yield line, column, reason, kind
            after = (found[-1][0], found[-1][1])

    return rows()


@dataclass
class _Read:
    """Counted by the reading thread."""

    rows_read: int = 0
    rejected: int = 0
    duplicates: int = 0


@dataclass
class _Stored:
    """Counted by the storing thread."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    elsewhere: int = 0
    noted: int = 0


def run_import(
    uow_factory: Callable[[], RegistryUnitOfWork],
    import_id: uuid.UUID,
    upload: Upload,
    dob_key: str,
    batch_size: int = BATCH_SIZE,
) -> None:
    """Read, check and store the whole file; meant to run in the background."""
    try:
        with uow_factory() as uow:
            job = uow.registry.import_job(import_id)
            assert job is not None, "start_import stored it"
            practice = uow.registry.practice(job.practice_ods)
            assert practice is not None
            job.status, job.heartbeat_at = jobs.RUNNING, clock.now()
            uow.commit()
            ods, dry_run, timezone = job.practice_ods, job.dry_run, practice.timezone
        today = clock.now().astimezone(ZoneInfo(timezone)).date()
        _Importer(uow_factory, import_id, ods, dry_run, dob_key, today, batch_size).run(upload)
    except FileProblem as exc:
        _finish(uow_factory, import_id, jobs.FAILED, exc.detail)
    except Exception:
        log.exception("import_failed", import_id=str(import_id))
        _finish(
            uow_factory,
            import_id,
            jobs.FAILED,
            "the import stopped on an error on our side; it has been logged",
        )
    finally:
        upload.path.unlink(missing_ok=True)


def _finish(
    uow_factory: Callable[[], RegistryUnitOfWork],
    import_id: uuid.UUID,
    status: str,
    problem: str | None,
) -> None:
    with uow_factory() as uow:
        job = uow.registry.import_job(import_id)
        if job is not None:
            job.status, job.problem = status, problem
            job.finished_at = job.heartbeat_at = clock.now()
            uow.commit()


class _Importer:
    def __init__(
        self,
        uow_factory: Callable[[], RegistryUnitOfWork],
        import_id: uuid.UUID,
        practice_ods: str,
        dry_run: bool,
        dob_key: str,
        today: date,
        batch_size: int,
    ) -> None:
        self.uow_factory = uow_factory
        self.import_id = import_id
        self.practice_ods = practice_ods
        self.dry_run = dry_run
        self.dob_key = dob_key
        self.today = today
        self.batch_size = batch_size
        self.read = _Read()
        self.stored = _Stored()
        # NHS numbers seen in this file, as ints: a million of them is about 60 MB.
        self.seen: set[int] = set()
        self.nhs_label = "nhs_number"

    def run(self, upload: Upload) -> None:
        # Reading and checking rows is Python's work; merging a batch is the database's.
        # One thread stores batch n while this one reads batch n + 1, so both cores work.
        # At most one batch waits, so memory stays bounded whatever the file's size.
        with upload.path.open("rb") as stream, ThreadPoolExecutor(1, "import-store") as store:
            records, labels, implied = self._records(stream, upload.format)
            self.nhs_label = labels.get("nhs_number", "nhs_number")
            pending: Future[None] | None = None
            batch: list[PatientRow] = []
            errors: list[RowError] = []
            read = self.read
            for line, values, shape_errors in records:
                read.rows_read += 1
                if shape_errors:
                    errors.extend(shape_errors)
                    read.rejected += 1
                    continue
                parsed = parse_record(line, values, self.today, labels, implied)
                if isinstance(parsed, list):
                    errors.extend(parsed)
                    read.rejected += 1
                    continue
                key = int(parsed.nhs_number)
                if key in self.seen:
                    errors.append(
                        RowError(line, self.nhs_label, "repeats an NHS number from an earlier line")
                    )
                    read.duplicates += 1
                    continue
                self.seen.add(key)
                batch.append(parsed)
                if len(batch) >= self.batch_size:
                    pending = self._hand_over(store, pending, batch, errors, last=False)
                    batch, errors = [], []
            self._hand_over(store, pending, batch, errors, last=True).result()

    def _hand_over(
        self,
        store: ThreadPoolExecutor,
        pending: Future[None] | None,
        batch: list[PatientRow],
        errors: list[RowError],
        last: bool,
    ) -> Future[None]:
        if pending is not None:
            pending.result()  # raises here if storing the batch before failed
        return store.submit(self._flush, batch, errors, replace(self.read), last)

    def _records(
        self, stream: IO[bytes], fmt: str
    ) -> tuple[Records, Mapping[str, str], int | None]:
        if fmt == "csv":
            columns, records = csv_records(stream)
            assert columns is not None
            return records, columns.labels, columns.implied_imd_edition
        return json_records(stream, lines=fmt == "jsonl"), {}, None

    def _flush(
        self, batch: list[PatientRow], errors: list[RowError], read: _Read, last: bool
    ) -> None:
        now = clock.now()
        with self.uow_factory() as uow:
            batch, erased = self._without_erased(uow, batch)
            elsewhere = self._store(uow, batch, now)
            lines = {row.nhs_number: row.line for row in batch}
            # One reason for both, so the report cannot be used to probe other practices;
            # the real reasons are counted in the log for support.
            refused = sorted([lines[nhs] for nhs in elsewhere] + [row.line for row in erased])
            errors.extend(RowError(line, self.nhs_label, NOT_REGISTRABLE) for line in refused)
            # A note is about a patient imported: none for a row refused here.
            noted = [row for row in batch if row.notes and row.nhs_number not in elsewhere]
            errors.extend(note for row in noted for note in row.notes)
            if refused:
                log.info(
                    "import_rows_refused",
                    import_id=str(self.import_id),
                    registered_elsewhere=len(elsewhere),
                    erased=len(erased),
                )
            errors.sort(key=lambda e: e.line)
            stored = self.stored
            stored.elsewhere += len(elsewhere) + len(erased)
            stored.noted += len(noted)
            uow.patients.add_errors(self.import_id, errors)
            job = uow.registry.import_job(self.import_id)
            assert job is not None
            job.rows_read, job.duplicates = read.rows_read, read.duplicates
            job.rejected = read.rejected + stored.elsewhere
            job.created, job.updated = stored.created, stored.updated
            job.unchanged = stored.unchanged
            job.noted = stored.noted
            job.heartbeat_at = now
            if last:
                job.status, job.finished_at = jobs.DONE, now
            uow.commit()

    def _without_erased(
        self, uow: RegistryUnitOfWork, batch: list[PatientRow]
    ) -> tuple[list[PatientRow], list[PatientRow]]:
        keys = {row.nhs_number: erasure_key(self.dob_key, row.nhs_number) for row in batch}
        erased = uow.registry.erased_among(list(keys.values()))
        if not erased:
            return batch, []
        kept = [row for row in batch if keys[row.nhs_number] not in erased]
        return kept, [row for row in batch if keys[row.nhs_number] in erased]

    def _store(self, uow: RegistryUnitOfWork, batch: list[PatientRow], now: datetime) -> list[str]:
        """Store the batch (or, in a dry run, count what would happen); return NHS numbers
        registered at another practice."""
        if self.dry_run:
            where = uow.patients.practices_of([row.nhs_number for row in batch])
            elsewhere = [nhs for nhs, ods in where.items() if ods != self.practice_ods]
            self.stored.updated += len(where) - len(elsewhere)
            self.stored.created += len(batch) - len(where)
            return elsewhere
        outcome = uow.patients.upsert(self.practice_ods, batch, now)
        self.stored.created += outcome.created
        self.stored.updated += outcome.updated
        self.stored.unchanged += outcome.unchanged
        for participant_id in outcome.shared_updated:
            participant = uow.registry.participant(participant_id)
            assert participant is not None
            dob_hash = keyed_dob_hash(self.dob_key, participant.date_of_birth)
            uow.publish(
                "registry.participant.updated", participant.shared_view(dob_hash, self.today)
            )
        return outcome.elsewhere

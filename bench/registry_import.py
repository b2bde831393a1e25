"""Patient list import: CSV into PostgreSQL (parse, validate, store), beside a plain COPY.

    python -m bench.registry_import [--rows 100000] [--batch 5000]
    python -m bench.registry_import --json-mb 50


Creates and drops its own database. The baseline is PostgreSQL's own COPY of the same
file into a table of text columns: no parsing, no checks, no upsert, the fastest a
database can take these bytes. Ours is the registry's real import: the request's
structural scan of the file, then the background job's read, validation and batched
upsert, with every row's errors recorded. Peak memory is the process's maximum resident
set size, printed beside the same process's size just before the import started.

With --json-mb, no database: a JSON array of about that size is read by the registry's
streaming reader and, in the same run, by the whole-file json.load it replaced (the
baseline), each through to the checked records; peak Python allocations (tracemalloc)
and the process's peak RSS are printed for each, streamed first.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import tempfile
import time
import tracemalloc
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from bench.common import print_table, scratch_database
from bench.registry_data import HEADER, rows, write_csv
from services.registry.adapters.orm import participants
from services.registry.bootstrap import build_runtime
from services.registry.config import RegistrySettings
from services.registry.domain.patient_list import _json_record, json_records
from services.registry.service_layer import imports, practices
from services.registry.service_layer.unit_of_work import SqlRegistryUnitOfWork
from shared.auth.principal import Principal
from shared.config import BusSettings, CommonSettings
from shared.logs import configure

DOB_KEY = "bench-dob-key-0123456789"


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def settings(url: str, folder: Path) -> RegistrySettings:
    bus = BusSettings("filesystem://", "bench", folder / "bus", (1.0,), 500, 0.05, 50)
    common = CommonSettings("registry", url, bus, "WARNING", "json")
    return RegistrySettings(common=common, dob_hash_key=DOB_KEY, import_dir=folder)


def copy_baseline(url: str, path: Path) -> float:
    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    columns = ", ".join(f'"c{i}" text' for i in range(len(HEADER)))
    with psycopg.connect(dsn) as conn:
        conn.execute(f"CREATE UNLOGGED TABLE IF NOT EXISTS copied ({columns})")
        started = time.perf_counter()
        statement = "COPY copied FROM STDIN WITH (FORMAT csv, HEADER true)"
        with conn.cursor() as cursor, path.open("rb") as source, cursor.copy(statement) as copy:
            while chunk := source.read(1024 * 1024):
                copy.write(chunk)
        conn.commit()
        return time.perf_counter() - started


def our_import(url: str, folder: Path, path: Path, batch: int) -> tuple[float, float, int]:
    runtime = build_runtime(settings(url, folder))
    runtime.migrate()

    def uow() -> SqlRegistryUnitOfWork:
        made = runtime.uow_factory()
        assert isinstance(made, SqlRegistryUnitOfWork)
        return made

    practices.create_practice(uow(), "M85001", "Bench practice")
    admin = Principal(uuid.uuid4(), "bench", "admin")
    upload = imports.Upload(path, "csv")
    started = time.perf_counter()
    job = imports.start_import(uow(), admin, "M85001", upload, dry_run=False)
    scanned = time.perf_counter()
    imports.run_import(uow, job.id, upload, DOB_KEY, batch_size=batch)
    finished = time.perf_counter()
    done = imports.visible_import(uow(), admin, job.id)
    assert done.status == "done", done.problem
    with runtime.engine.connect() as conn:
        stored = int(conn.execute(select(func.count()).select_from(participants)).scalar_one())
    assert stored == done.created, (stored, done.created)
    runtime.engine.dispose()
    return scanned - started, finished - started, stored


def write_json(path: Path, megabytes: float) -> tuple[int, int]:
    """A JSON array of synthetic patients of about this size: (patients, bytes)."""
    count = 0
    with path.open("w", encoding="utf-8") as out:
        out.write("[")
        for row in rows(10_000_000):
            out.write(("," if count else "") + json.dumps(dict(zip(HEADER, row, strict=True))))
            count += 1
            if count % 1000 == 0 and out.tell() >= megabytes * 1e6:
                break
        out.write("]")
    return count, path.stat().st_size


def whole_file_records(path: Path) -> Iterator[object]:
    """The reader before streaming: json.load of the whole array, then each record."""
    with path.open("rb") as stream:
        items = json.load(stream)
    for number, item in enumerate(items, 1):
        yield _json_record(number, item)


def streamed_records(path: Path) -> Iterator[object]:
    with path.open("rb") as stream:
        yield from json_records(stream, lines=False)


def measure(read: Callable[[Path], Iterator[object]], path: Path) -> tuple[int, float, float]:
    """(records, seconds, peak MB allocated by Python while reading them all)."""
    tracemalloc.start()
    started = time.perf_counter()
    count = sum(1 for _ in read(path))
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    return count, seconds, peak


def json_memory(megabytes: float) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "list.json"
        patients, size = write_json(path, megabytes)
        rss_start = peak_rss_mb()
        ours = measure(streamed_records, path)
        rss_ours = peak_rss_mb()
        baseline = measure(whole_file_records, path)
        rss_baseline = peak_rss_mb()
    assert ours[0] == baseline[0] == patients, (ours[0], baseline[0], patients)
    print(f"registry JSON reading: {patients:,} patients, {size / 1e6:.1f} MB JSON array")
    print_table(
        [
            (
                "baseline: json.load of the whole file",
                f"{baseline[1]:.2f} s under tracemalloc, peak allocated {baseline[2]:.0f} MB",
            ),
            (
                "ours: streamed (ijson)",
                f"{ours[1]:.2f} s under tracemalloc, peak allocated {ours[2]:.1f} MB",
            ),
            ("peak allocated, baseline / ours", f"{baseline[2] / ours[2]:.0f}x"),
            ("peak RSS before", f"{rss_start:.0f} MB"),
            ("peak RSS after ours (streamed first)", f"{rss_ours:.0f} MB"),
            ("peak RSS after the baseline", f"{rss_baseline:.0f} MB"),
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=imports.BATCH_SIZE)
    parser.add_argument("--json-mb", type=float, default=None)
    args = parser.parse_args()
    configure("bench", "WARNING", "json")
    if args.json_mb is not None:
        json_memory(args.json_mb)
        return
    with tempfile.TemporaryDirectory() as tmp, scratch_database("import") as url:
        folder = Path(tmp)
        source = folder / "list.csv"
        size = write_csv(source, args.rows)
        copy_seconds = copy_baseline(url, source)
        ours_source = folder / "ours.csv"
        ours_source.write_bytes(b"")  # the import deletes its upload when done: use a copy
        source.rename(ours_source)
        rss_before, cpu_before = peak_rss_mb(), cpu_seconds()
        scan_seconds, total_seconds, stored = our_import(url, folder, ours_source, args.batch)
        rss_peak, cpu_used = peak_rss_mb(), cpu_seconds() - cpu_before
        load = os.getloadavg()[0]
    mb = size / 1e6
    print(f"registry import: {args.rows:,} rows, {mb:.1f} MB of CSV, batches of {args.batch:,}")
    print_table(
        [
            (
                "baseline: PostgreSQL COPY",
                f"{copy_seconds:.2f} s ({args.rows / copy_seconds:,.0f} rows/s)",
            ),
            ("ours: scan (in the request)", f"{scan_seconds:.2f} s"),
            (
                "ours: scan + parse, validate, store",
                f"{total_seconds:.2f} s ({args.rows / total_seconds:,.0f} rows/s), "
                f"{stored:,} stored",
            ),
            ("ratio ours / COPY", f"{total_seconds / copy_seconds:.1f}x the time"),
            ("ours: this process's CPU (both threads)", f"{cpu_used:.2f} s"),
            ("machine load average (1 min) at the end", f"{load:.1f} on {os.cpu_count()} cores"),
            ("peak RSS before the import", f"{rss_before:.0f} MB"),
            ("peak RSS after the import", f"{rss_peak:.0f} MB"),
        ]
    )


if __name__ == "__main__":
    main()

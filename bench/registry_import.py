"""Patient list import: CSV into PostgreSQL (parse, validate, store), beside a plain COPY.

    python -m bench.registry_import [--rows 100000] [--batch 5000]

Creates and drops its own database. The baseline is PostgreSQL's own COPY of the same
file into a table of text columns: no parsing, no checks, no upsert, the fastest a
database can take these bytes. Ours is the registry's real import: the request's
structural scan of the file, then the background job's read, validation and batched
upsert, with every row's errors recorded. Peak memory is the process's maximum resident
set size, printed beside the same process's size just before the import started.
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
import uuid
from pathlib import Path

import psycopg
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from bench.common import print_table, scratch_database
from bench.registry_data import HEADER, write_csv
from services.registry.adapters.orm import participants
from services.registry.bootstrap import build_runtime
from services.registry.config import RegistrySettings
from services.registry.service_layer import imports, practices
from services.registry.service_layer.unit_of_work import RegistryUnitOfWork
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

    def uow() -> RegistryUnitOfWork:
        made = runtime.uow_factory()
        assert isinstance(made, RegistryUnitOfWork)
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=imports.BATCH_SIZE)
    args = parser.parse_args()
    configure("bench", "WARNING", "json")
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

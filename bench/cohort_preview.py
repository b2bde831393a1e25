"""Cohort preview: count and breakdown over a large registry, beside a bare count.

    python -m bench.cohort_preview [--participants 1000000] [--practices 50] [--runs 200]

Loads the participants with COPY (their shape as imports store them), gives a tenth of
them a status in some trial, then times the registry's real preview use case (filter,
exclusions, one grouped query, the breakdown in Python) for several cohorts of one
practice. The baseline, in the same run, is `SELECT count(*)` of that practice's
participants: the least any preview must do. `--practices 1` puts everyone in one
practice, the worst case.
"""

from __future__ import annotations

import argparse
import io
import random
import time
import uuid
from datetime import UTC, date, datetime
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

import psycopg
from sqlalchemy import text
from sqlalchemy.engine import make_url

from bench.common import percentile, print_table, scratch_database, summary_ms
from bench.registry_import import settings
from services.registry.bootstrap import build_runtime
from services.registry.service_layer import cohorts, practices, trials
from services.registry.service_layer.unit_of_work import SqlRegistryUnitOfWork
from shared.auth.principal import Principal
from shared.logs import configure

LANGUAGES = ["en"] * 12 + ["ur", "pa", "bn", "syl", "pl", "so", "ar", "ro"]
ETHNIC = ["A", "A", "A", "J", "J", "K", "H", "N", "M", "C", "S", "Z", "99", "L", None]
CRITERIA: list[dict[str, Any]] = [
    {},
    {"age_min": 40, "age_max": 79},
    {"age_min": 18, "languages": ["ur", "pa", "bn", "syl"], "imd_deciles": [1, 2, 3]},
    {"sexes": ["female"], "ethnic_categories": ["J", "K", "N"], "textable_only": False},
]


def load(dsn: str, practice_codes: list[str], count: int, trial_id: uuid.UUID) -> None:
    """Each practice's patients arrive together, as an import of its list stores them."""
    rng = random.Random(7)
    now = datetime.now(UTC).isoformat()
    columns = (
        "id, practice_ods, nhs_number, given_name, family_name, date_of_birth, sex, mobile, "
        "textable, language, interpreter_needed, ethnic_category, imd_decile, imd_edition, "
        "opted_out, created_at, updated_at"
    )
    statuses = io.StringIO()
    with psycopg.connect(dsn) as conn, conn.cursor() as cursor:
        with cursor.copy(f"COPY participants ({columns}) FROM STDIN") as copy:
            buffer = io.StringIO()
            for serial in range(count):
                pid = uuid.uuid4()
                textable = rng.random() < 0.85
                ethnic = rng.choice(ETHNIC)
                buffer.write(
                    "\t".join(
                        (
                            str(pid),
                            practice_codes[serial * len(practice_codes) // count],
                            f"{4_000_000_000 + serial}",
                            "Amina",
                            "Begum",
                            date(rng.randint(1930, 2024), rng.randint(1, 12), 1).isoformat(),
                            rng.choice(("female", "male")),
                            f"+4474{serial:08d}" if textable else "\\N",
                            "t" if textable else "f",
                            rng.choice(LANGUAGES),
                            "f",
                            ethnic or "\\N",
                            str(rng.randint(1, 10)),
                            "2019",
                            "t" if rng.random() < 0.02 else "f",
                            now,
                            now,
                        )
                    )
                    + "\n"
                )
                if rng.random() < 0.1:
                    status = rng.choice(("invited", "interested", "declined", "opted_out"))
                    statuses.write(f"{pid}\t{trial_id}\t{status}\t{now}\n")
                if serial % 50_000 == 49_999:
                    copy.write(buffer.getvalue())
                    buffer = io.StringIO()
            copy.write(buffer.getvalue())
        with cursor.copy(
            "COPY trial_statuses (participant_id, trial_id, status, updated_at) FROM STDIN"
        ) as copy:
            copy.write(statuses.getvalue())
        conn.commit()
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE participants")
        conn.execute("VACUUM ANALYZE trial_statuses")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--participants", type=int, default=1_000_000)
    parser.add_argument("--practices", type=int, default=50)
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    configure("bench", "WARNING", "json")
    with TemporaryDirectory() as tmp, scratch_database("cohort") as url:
        runtime = build_runtime(settings(url, Path(tmp)))
        runtime.migrate()

        def uow() -> SqlRegistryUnitOfWork:
            made = runtime.uow_factory()
            assert isinstance(made, SqlRegistryUnitOfWork)
            return made

        codes = [f"M{85000 + i:05d}" for i in range(args.practices)]
        for code in codes:
            practices.create_practice(uow(), code, f"Practice {code}")
        earlier = trials.create_trial(uow(), "EARLIER", "An earlier trial", "Uni", 28)
        trial = trials.create_trial(uow(), "BENCH", "Bench trial", "Uni", 28)
        dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        started = time.perf_counter()
        load(dsn, codes, args.participants, earlier.id)
        loaded = time.perf_counter() - started

        admin = Principal(uuid.uuid4(), "bench", "admin")
        made = [
            cohorts.create_cohort(uow(), admin, trial.id, codes[0], f"c{i}", c).id
            for i, c in enumerate(CRITERIA)
        ]
        for cohort_id in made:  # warm the caches once, as a running service would be
            cohorts.preview(uow(), admin, cohort_id)
        baseline: list[float] = []
        ours: list[float] = []
        counts = {}
        for run in range(args.runs):
            with runtime.engine.connect() as conn:
                started = time.perf_counter()
                conn.execute(
                    text("SELECT count(*) FROM participants WHERE practice_ods = :p"),
                    {"p": codes[0]},
                ).scalar_one()
                baseline.append(time.perf_counter() - started)
            cohort_id = made[run % len(made)]
            started = time.perf_counter()
            breakdown = cohorts.preview(uow(), admin, cohort_id)
            ours.append(time.perf_counter() - started)
            counts[run % len(made)] = breakdown.count
        runtime.engine.dispose()
    per_practice = args.participants // args.practices
    print(
        f"cohort preview: {args.participants:,} participants in {args.practices} practices "
        f"({per_practice:,} in the previewed one), loaded in {loaded:.1f} s; {args.runs} runs"
    )
    print_table(
        [
            ("baseline: count(*) of the practice", summary_ms(baseline)),
            ("ours: preview with breakdown", summary_ms(ours)),
            ("cohort sizes", ", ".join(f"{n:,}" for n in counts.values())),
            (
                "ratio ours / baseline (p99)",
                f"{percentile(ours, 99) / percentile(baseline, 99):.1f}x",
            ),
        ]
    )


if __name__ == "__main__":
    main()

"""What the benchmarks share: scratch database, gunicorn server, percentiles, table printer."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import requests

from shared.db.scratch import scratch_database as shared_scratch_database

POSTGRES_URL = os.environ.get(
    "BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
ROOT = Path(__file__).resolve().parent.parent
RABBITMQ_URL = os.environ.get("BENCH_RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672//")


@contextmanager
def scratch_database(prefix: str) -> Iterator[str]:
    with shared_scratch_database(POSTGRES_URL, f"bench_{prefix}") as url:
        yield url


def percentile(values: Sequence[float], pct: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]


def summary_ms(values: Sequence[float]) -> str:
    millis = [v * 1000 for v in values]
    return (
        f"p50 {percentile(millis, 50):.1f} ms, p99 {percentile(millis, 99):.1f} ms, "
        f"max {max(millis):.1f} ms, mean {statistics.fmean(millis):.1f} ms"
    )


def print_table(rows: Sequence[tuple[str, str]]) -> None:
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"  {name.ljust(width)}  {value}")


@contextmanager
def gunicorn(
    app: str, port: int, workers: int, env: dict[str, str], extra: Sequence[str] = ()
) -> Iterator[None]:
    """`app` under the project's gunicorn settings on 127.0.0.1:`port`, until the block ends."""
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            "deploy/gunicorn.conf.py",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            str(workers),
            *extra,
            app,
        ],
        env={**os.environ, **env},
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                requests.get(f"http://127.0.0.1:{port}/", timeout=1)
                break
            except requests.RequestException:
                time.sleep(0.2)
        yield
    finally:
        process.terminate()
        process.wait(timeout=30)

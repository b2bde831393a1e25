"""What the benchmarks share: a scratch PostgreSQL database, percentiles, a table printer."""

from __future__ import annotations

import os
import statistics
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from shared.db.scratch import scratch_database as shared_scratch_database

POSTGRES_URL = os.environ.get(
    "BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
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

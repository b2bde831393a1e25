"""Invitation chunks into messaging on PostgreSQL, beside a plain INSERT of the same rows.

    python -m bench.invitations [--invitations 4000] [--rounds 3]

ours: `queue_invitations` for every chunk of one batch, in chunks of the registry's size,
each in its own transaction as the bus worker runs it. The contacts read four languages;
1% of the numbers are on the STOP list and 1% of the people are erased.
baseline: as many message rows inserted into the same table in one statement executed
for many rows (psycopg pipelines them in one round trip), the way the chunks' rows go too;
an INSERT ... VALUES of 500 rows built by SQLAlchemy was ten times slower still.
"""

from __future__ import annotations

import argparse
import time
import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import event, insert, select

from bench.common import print_table, scratch_database
from bench.sending import settings_for
from services.messaging.adapters.orm import contacts, messages, suppressions
from services.messaging.bootstrap import build_runtime
from services.messaging.service_layer import contacts as contact_use_cases
from services.messaging.service_layer import invitations
from services.registry.service_layer.invitations import CHUNK_SIZE
from shared.events.commands import InvitationsRequested, TrialCreated
from shared.runtime import Runtime
from tests.support.cohort import numbers

LANGUAGES = ("en", "ur", "pl", "bn")


def a_cohort(runtime: Runtime, count: int, prefix: str) -> tuple[uuid.UUID, list[uuid.UUID]]:
    """A trial and `count` contacts stored directly, as the registry's events leave them."""
    trial_id = uuid.uuid4()
    contact_use_cases.save_trial(
        runtime.uow_factory(),
        TrialCreated(trial_id=trial_id, short_name="BENCH", title="A heart study"),
    )
    people = [uuid.uuid4() for _ in range(count)]
    mobiles = numbers(count, prefix=prefix)
    now = datetime.now(UTC)
    with runtime.engine.begin() as conn:
        conn.execute(
            insert(contacts),
            [
                {
                    "participant_id": pid,
                    "practice_ods": "M85001",
                    "mobile": None if i % 100 == 50 else mobile,
                    "textable": True,
                    "language": LANGUAGES[i % len(LANGUAGES)],
                    "erased": i % 100 == 50,
                    "updated_at": now,
                }
                for i, (pid, mobile) in enumerate(zip(people, mobiles, strict=True))
            ],
        )
        conn.execute(
            insert(suppressions),
            [{"mobile": m, "reason": "replied STOP", "created_at": now} for m in mobiles[::100]],
        )
    return trial_id, people


def ours(runtime: Runtime, count: int, prefix: str) -> tuple[float, int, int]:
    """Seconds for the batch's chunks, messages stored, and statements per chunk."""
    trial_id, people = a_cohort(runtime, count, prefix)
    chunks = [people[i : i + CHUNK_SIZE] for i in range(0, len(people), CHUNK_SIZE)]
    batch_id, statements = uuid.uuid4(), 0

    def counted(*_: Any) -> None:
        nonlocal statements
        statements += 1

    event.listen(runtime.engine, "before_cursor_execute", counted)
    started = time.perf_counter()
    stored = 0
    for index, chunk in enumerate(chunks):
        stored += invitations.queue_invitations(
            runtime.uow_factory(),
            InvitationsRequested(
                batch_id=batch_id,
                trial_id=trial_id,
                practice_ods="M85001",
                chunk=index,
                chunks=len(chunks),
                participant_ids=tuple(chunk),
            ),
        )
    elapsed = time.perf_counter() - started
    event.remove(runtime.engine, "before_cursor_execute", counted)
    return elapsed, stored, statements // len(chunks)


def baseline(runtime: Runtime, count: int) -> float:
    """The same number of message rows (a stored invitation's columns, new ids) in one
    executemany INSERT, one transaction."""
    with runtime.engine.connect() as conn:
        row = conn.execute(select(messages).limit(1)).mappings().one()
    rows = [{**row, "id": uuid.uuid4(), "batch_id": None} for _ in range(count)]
    started = time.perf_counter()
    with runtime.engine.begin() as conn:
        conn.execute(insert(messages), rows)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--invitations", type=int, default=4000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with scratch_database("invitations") as url:
        runtime = build_runtime(settings_for(url, "http://127.0.0.1:9"))
        runtime.migrate()
        ours(runtime, 200, "+44746")  # warm up: templates, statement caches, connections
        runs: list[tuple[float, int, int]] = []
        plain: list[float] = []
        for round_ in range(args.rounds):  # taken in turn, so load from other work hits both
            runs.append(ours(runtime, args.invitations, f"+4474{round_ + 1}"))
            plain.append(baseline(runtime, runs[-1][1]))
        runtime.engine.dispose()
    best, stored, statements = min(runs)
    floor = min(plain)
    print(
        f"invitations: {args.invitations} per batch in chunks of {CHUNK_SIZE}, "
        f"best of {args.rounds} (all: {', '.join(f'{r[0]:.2f}' for r in runs)} s)"
    )
    print_table(
        [
            ("baseline: one INSERT of the rows", f"{floor:.3f} s ({stored / floor:,.0f} rows/s)"),
            ("queue_invitations, whole batch", f"{best:.3f} s ({stored / best:,.0f} texts/s)"),
            ("ratio", f"{best / floor:.1f} x the plain INSERT"),
            ("texts stored per batch", f"{stored}"),
            ("statements per chunk", f"{statements}"),
        ]
    )


if __name__ == "__main__":
    main()

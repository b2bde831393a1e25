"""The consent record read over a million records: the API token check remembered or not.

    python -m bench.consent_read [--records 1000000] [--runs 4000] [--keep NAME]

`--keep NAME` loads the records into database NAME once and keeps it, so later runs (and
profiling) skip the load; without it the run uses a scratch database it drops.

Loads the records, their participants' bands, two audit entries each, and for the 30% that
reached the page their answer and two understanding answers, with COPY, then times
`GET /trials/{t}/consent-records/{study number}` through the whole Flask stack in process
(token check; record, bands, chain, page answers and understanding answers in one statement;
chain check; the form's words where there are understanding answers; schema), cycling over
1,000 records of the 600,000-record trial:

- **before**: the app as it was, asking the database about the token on every request
  (TOKEN_CACHE_SECONDS=0);
- **after**: the same app with the token check remembered for 5 s (shared/auth/cache.py);
- **baseline**: a bare primary-key SELECT of a record (SQL only), and the token's own
  SELECT alone, on the same connection pool;
- each read's CPU time in the reading thread (`time.thread_time`), which other work on the
  machine does not inflate, and the load average at the end.

Before and after read each record in turn (alternating which goes first), so that load from
other work hits both alike.
Creates and drops its own database; talks to 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bench.common import POSTGRES_URL, percentile, print_table, scratch_database, summary_ms
from bench.consent import BIG_TRIAL, SMALL_TRIALS, settings
from services.consent import create_app
from services.consent.bootstrap import build_runtime
from services.consent.domain.forms import ConsentForm, Item, Translation
from services.consent.domain.understanding import Question, QuestionWords
from shared.auth.principal import hash_token, new_token
from shared.auth.store import save_token
from shared.events.commands import TokenIssued

STATUSES = ("invited", "invited", "invited", "interested", "declined", "opted_out",
            "link_sent", "consented", "refused", "withdrawn")  # fmt: skip
LANGUAGES = ("en", "ur", "pa", "bn", "pl", "so")
AGES = ("18-29", "30-39", "40-49", "50-59", "60-69", "70-79", "80+")
ETHNIC = ("A", "B", "C", "D", "H", "J", "K", "M", "N", "R", "S", "Z")


def _ids(g: int) -> tuple[uuid.UUID, uuid.UUID, uuid.UUID]:
    """Participant, record and trial of the g-th record (deterministic)."""
    participant = uuid.UUID(int=(0xA << 124) | g)
    record = uuid.UUID(int=(0xB << 124) | g)
    return participant, record, BIG_TRIAL


def copy_rows(runtime: Any, records: int) -> None:
    """COPY participants, records, audit entries, and for the 30% that reached the page an
    answer on it and two understanding answers (wrong, then right), from generated rows."""
    big = int(records * 0.6)
    now = datetime.now(UTC)
    created = now - timedelta(days=20)

    def trial_of(g: int) -> uuid.UUID:
        return BIG_TRIAL if g <= big else SMALL_TRIALS[g % 4]

    def participants() -> Iterator[tuple[Any, ...]]:
        for g in range(1, records + 1):
            yield (
                _ids(g)[0], f"M8{g % 300:04d}", LANGUAGES[g % 6],
                "female" if g % 2 == 0 else "male", AGES[g % 7], ETHNIC[g % 12],
                1 + g % 10, 2019, f"{g:064x}", False,
            )  # fmt: skip

    def consent_records() -> Iterator[tuple[Any, ...]]:
        for g in range(1, records + 1):
            participant, record, _ = _ids(g)
            status = STATUSES[g % 10]
            version = 1 if status in ("consented", "refused", "withdrawn") else None
            yield (
                record, participant, trial_of(g), status, version, created,
                now - timedelta(minutes=g % 1000), 2, f"{g:064x}", f"M8{g % 300:04d}",
                f"BENCH-{g:07d}",
            )  # fmt: skip

    answered = ("consented", "refused", "withdrawn")  # reached the page: version 1

    def responses() -> Iterator[tuple[Any, ...]]:
        for g in range(1, records + 1):
            if STATUSES[g % 10] in answered:
                participant, record, _ = _ids(g)
                decision = "declined" if STATUSES[g % 10] == "refused" else "agreed"
                yield (uuid.UUID(int=(0xC << 124) | g), record, participant, trial_of(g), 1,
                       "f" * 64, LANGUAGES[g % 6], decision,
                       '{"read_summary": true, "gp_records": true}', created)  # fmt: skip

    def understanding() -> Iterator[tuple[Any, ...]]:
        for g in range(1, records + 1):
            if STATUSES[g % 10] in answered:  # wrong first, then right
                record = _ids(g)[1]
                for n, (answer, right) in enumerate((("never", False), ("any_time", True))):
                    yield (uuid.UUID(int=(0xD << 124) | (g << 1) | n), record, 1, "leave",
                           answer, right, LANGUAGES[g % 6], created)  # fmt: skip

    def audit_entries() -> Iterator[tuple[Any, ...]]:
        for g in range(1, records + 1):
            record = _ids(g)[1]
            status = STATUSES[g % 10]
            first, second = f"{g:063x}1", f"{g:064x}"
            yield (record, 1, "status_changed", None, "invited", "bench", "system",
                   None, None, None, created, "0" * 64, first)  # fmt: skip
            yield (record, 2, "status_changed", "invited", status, "bench", "system",
                   None, None, None, created, first, second)  # fmt: skip

    tables = [
        ("participants", "participant_id, practice_ods, language, sex, age_band, "
         "ethnic_category, imd_decile, imd_edition, dob_hash, erased", participants()),
        ("consent_records", "id, participant_id, trial_id, status, form_version, created_at, "
         "updated_at, last_seq, last_hash, practice_ods, study_number", consent_records()),
        ("audit_entries", "record_id, seq, action, from_status, to_status, actor, channel, "
         "form_version, form_hash, reason, at, prev_hash, hash", audit_entries()),
        ("consent_responses", "id, record_id, participant_id, trial_id, form_version, "
         "form_hash, language, decision, items, at", responses()),
        ("understanding_answers", "id, record_id, form_version, question_key, answer, "
         "correct, language, at", understanding()),
    ]  # fmt: skip
    raw = runtime.engine.raw_connection()
    try:
        cursor = raw.driver_connection.cursor()
        for table, columns, rows in tables:
            started = time.perf_counter()
            with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            raw.driver_connection.commit()
            print(f"  COPY {table}: {time.perf_counter() - started:.0f} s")
    finally:
        raw.close()
    with runtime.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))


@contextmanager
def kept_database(name: str) -> Iterator[str]:
    """Database `name` on the bench server, created if missing and never dropped."""
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}) is None:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)


def a_published_form(runtime: Any) -> None:
    """Version 1 of the big trial's form, with the question the answers are to."""
    words = QuestionWords(
        "Can you leave the study?",
        {"any_time": "Yes, at any time", "never": "No, never"},
        "You can leave at any time without giving a reason.",
    )
    translation = Translation(
        "A heart study", "We want to find heart problems early.", "https://example.org/sheet",
        {"read_summary": "I have read it.", "gp_records": "You may read my GP records."},
        {"leave": words},
    )  # fmt: skip
    form = ConsentForm(
        BIG_TRIAL, 1, [Item("read_summary", True), Item("gp_records", True)],
        {"en": translation}, questions=[Question("leave", ("any_time", "never"), "any_time")],
    )  # fmt: skip
    form.publish("REC 1", datetime.now(UTC))
    with runtime.uow_factory() as uow:
        uow.forms.insert_form(form)
        uow.commit()


def _loaded(runtime: Any) -> int:
    with runtime.engine.connect() as conn:
        return int(conn.scalar(text("SELECT count(*) FROM consent_records")) or 0)


def a_coordinator(runtime: Any) -> str:
    token = new_token()
    now = datetime.now(UTC)
    with runtime.uow_factory() as uow:
        save_token(
            uow,
            TokenIssued(
                token_id=uuid.uuid4(),
                token_hash=hash_token(token),
                name="bench coordinator",
                role="coordinator",
                practices=(),
                trials=(BIG_TRIAL,),
                created_at=now,
                expires_at=now + timedelta(days=1),
            ),
        )
        uow.commit()
    return token


def timed(fn: Any, arguments: list[Any]) -> list[float]:
    spent = []
    for argument in arguments:
        started = time.perf_counter()
        fn(argument)
        spent.append(time.perf_counter() - started)
    return spent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=4000)
    parser.add_argument("--keep", help="load into this database once and keep it")
    args = parser.parse_args()
    tmp = Path(f"/tmp/bench-consent-read-{uuid.uuid4().hex[:6]}")
    tmp.mkdir()
    with kept_database(args.keep) if args.keep else scratch_database("consent_read") as url:
        base = settings(url, tmp)
        runtime = build_runtime(base)
        runtime.migrate()
        if _loaded(runtime) != args.records:
            started = time.perf_counter()
            copy_rows(runtime, args.records)
            a_published_form(runtime)
            print(f"loaded {args.records:,} records in {time.perf_counter() - started:.0f} s")
        token = a_coordinator(runtime)
        numbers = [f"BENCH-{g:07d}" for g in range(777, int(args.records * 0.6), 599)][:1000]
        headers = {"Authorization": f"Bearer {token}"}
        apps = {}
        for name, ttl in (("before", 0.0), ("after", 5.0)):
            common = dataclasses.replace(base.common, token_cache_seconds=ttl)
            apps[name] = create_app(dataclasses.replace(base, common=common)).test_client()
        spent: dict[str, list[float]] = {"before": [], "after": []}
        # CPU time of the reading thread: the read's own work, whatever else the machine runs
        worked: dict[str, list[float]] = {"before": [], "after": []}

        def read(client: Any) -> Any:
            def one(number: str) -> None:
                response = client.get(
                    f"/trials/{BIG_TRIAL}/consent-records/{number}", headers=headers
                )
                assert response.status_code == 200, response.get_data(as_text=True)

            return one

        for client in apps.values():  # warm up each app and its pool
            timed(read(client), numbers[:50])
        readers = {name: read(client) for name, client in apps.items()}
        for i in range(args.runs):  # paired: each record read by both, in turns
            number = numbers[i % len(numbers)]
            for name in ("before", "after") if i % 2 == 0 else ("after", "before"):
                started, cpu = time.perf_counter(), time.thread_time()
                readers[name](number)
                spent[name].append(time.perf_counter() - started)
                worked[name].append(time.thread_time() - cpu)
        with runtime.engine.connect() as conn:

            def pk(number: str) -> None:
                conn.execute(
                    text("SELECT * FROM consent_records WHERE trial_id = :t AND study_number = :n"),
                    {"t": BIG_TRIAL, "n": number},
                ).all()

            def token_row(_: str) -> None:
                conn.execute(
                    text("SELECT * FROM api_tokens WHERE token_hash = :h"), {"h": hash_token(token)}
                ).all()

            base_pk = timed(pk, numbers[: args.runs // 2] * 2)
            base_token = timed(token_row, numbers[: args.runs // 2] * 2)
        before, after = spent["before"], spent["after"]
        print_table(
            [
                (f"one record read, {args.records:,} records, {len(before):,} reads each", ""),
                ("  before: token asked of the database every time", summary_ms(before)),
                ("  after: token check remembered 5 s", summary_ms(after)),
                ("  p99 before / after", f"{percentile(before, 99) / percentile(after, 99):.1f}x"),
                ("  before: CPU time of the reading thread", summary_ms(worked["before"])),
                ("  after: CPU time of the reading thread", summary_ms(worked["after"])),
                ("  load average (1 min) at the end", f"{os.getloadavg()[0]:.1f}"),
                ("  baseline: record SELECT by study number, SQL only", summary_ms(base_pk)),
                ("  baseline: the token's own SELECT, SQL only", summary_ms(base_token)),
            ]
        )
        for client in apps.values():
            client.application.extensions["trialreach.runtime"].engine.dispose()
        runtime.engine.dispose()


if __name__ == "__main__":
    main()

"""Consent benchmark on PostgreSQL with a million consent records, each figure beside a baseline.

    python -m bench.consent [--records 1000000] [--seconds 10] [--clients 4]

- trial summary (counters kept per status change) vs the GROUP BY over records it replaced;
- one record with its history and chain check vs a bare primary-key SELECT;
- FHIR export, streamed, resources/s and memory, vs fetching the same rows as JSON;
- the consent page over HTTP (gunicorn) vs /healthz on the same server.

Creates and drops its own database; talks to 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import text

from bench.common import gunicorn, percentile, print_table, scratch_database, summary_ms
from services.consent import create_app
from services.consent.bootstrap import build_runtime
from services.consent.config import ConsentSettings
from services.consent.domain.forms import ConsentForm, Item, Translation
from services.consent.domain.links import ConsentLink
from shared.auth.principal import hash_token, new_token
from shared.auth.store import save_token
from shared.config import BusSettings, CommonSettings
from shared.events.commands import TokenIssued

DOB_KEY = "bench-dob-hash-key-0123456789"
BIG_TRIAL = uuid.UUID("00000000-0000-4000-8000-000000000001")
SMALL_TRIALS = [uuid.UUID(f"00000000-0000-4000-8000-00000000000{i}") for i in range(2, 6)]
STATUSES = (
    "ARRAY['invited','invited','invited','interested','declined','opted_out','link_sent',"
    "'consented','refused','withdrawn']"
)


def settings(url: str, tmp: Path) -> ConsentSettings:
    bus = BusSettings(
        broker_url="filesystem://",
        namespace=f"bench-{uuid.uuid4().hex[:6]}",
        data_dir=tmp,
        retry_delays=(1.0,),
        outbox_batch_size=500,
        outbox_poll_interval=0.05,
        prefetch=50,
    )
    common = CommonSettings(
        service="consent",
        database_url=url,
        bus=bus,
        log_level="WARNING",
        log_format="json",
        testing=False,
    )
    return ConsentSettings(common=common, dob_hash_key=DOB_KEY, public_base_url="http://b")


def load(runtime: Any, records: int) -> None:
    """A million records, their bands and two audit entries each, in set-based SQL."""
    big = int(records * 0.6)
    trial = (
        f"CASE WHEN g <= {big} THEN '{BIG_TRIAL}'::uuid "
        f"ELSE ('00000000-0000-4000-8000-00000000000' || (2 + g % 4))::uuid END"
    )
    status = f"({STATUSES})[1 + g % 10]"
    practice = "'M8' || lpad((g % 300)::text, 4, '0')"
    statements = [
        f"""INSERT INTO participants SELECT md5('p' || g)::uuid, {practice},
            (ARRAY['en','ur','pa','bn','pl','so'])[1 + g % 6],
            CASE WHEN g % 2 = 0 THEN 'female' ELSE 'male' END,
            (ARRAY['18-29','30-39','40-49','50-59','60-69','70-79','80+'])[1 + g % 7],
            (ARRAY['A','B','C','D','H','J','K','M','N','R','S','Z'])[1 + g % 12],
            1 + g % 10, 2019, md5('d' || g) || md5('e' || g), false
            FROM generate_series(1, {records}) g""",
        f"""INSERT INTO consent_records (id, participant_id, trial_id, status, form_version,
            created_at, updated_at, last_seq, last_hash, practice_ods, study_number)
            SELECT md5('r' || g)::uuid, md5('p' || g)::uuid, {trial}, {status},
            CASE WHEN {status} IN ('consented','refused','withdrawn') THEN 1 END,
            now() - interval '20 days', now() - (g % 1000) * interval '1 minute',
            2, md5('h2' || g) || md5('h2' || g), {practice}, 'BENCH-' || lpad(g::text, 6, '0')
            FROM generate_series(1, {records}) g""",
        f"""INSERT INTO audit_entries SELECT md5('r' || g)::uuid, s.seq, 'status_changed',
            CASE WHEN s.seq = 1 THEN NULL ELSE 'invited' END,
            CASE WHEN s.seq = 1 THEN 'invited' ELSE {status} END, 'bench', 'system',
            NULL, NULL, NULL, now() - interval '20 days',
            CASE WHEN s.seq = 1 THEN repeat('0', 64) ELSE md5('h1' || g) || md5('h1' || g) END,
            md5('h' || s.seq || g) || md5('h' || s.seq || g)
            FROM generate_series(1, {records}) g, (VALUES (1), (2)) s(seq)""",
        """INSERT INTO status_counts SELECT trial_id, COALESCE(practice_ods, ''), status,
            COUNT(*) FROM consent_records GROUP BY 1, 2, 3""",
    ]
    with runtime.engine.begin() as conn:
        for statement in statements:
            conn.execute(text(statement))
    with runtime.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))


def seed_page(runtime: Any) -> tuple[str, str, str]:
    """A published form for the big trial, a token, and one link with a verified cookie."""
    uow = runtime.uow_factory()
    with uow:
        translation = Translation(
            "A heart study",
            "We want to find heart problems early.\n\nTaking part is your choice.",
            "https://example.org/sheet",
            {"read": "I have read the information.", "future": "Contact me again."},
        )
        form = ConsentForm(
            BIG_TRIAL, 1, [Item("read", True), Item("future", False)], {"en": translation}
        )
        form.publish("REC 1", datetime.now(UTC))
        uow.forms.insert_form(form)
        participant_id = uow.session.execute(
            text(
                "SELECT participant_id FROM consent_records WHERE trial_id = :t "
                "AND status = 'link_sent' LIMIT 1"
            ),
            {"t": BIG_TRIAL},
        ).scalar_one()
        link = ConsentLink(participant_id, BIG_TRIAL)
        uow.consent_links.add(link)
        token = new_token()
        now = datetime.now(UTC)
        save_token(
            uow,
            TokenIssued(
                token_id=uuid.uuid4(),
                token_hash=hash_token(token),
                name="bench admin",
                role="admin",
                practices=(),
                trials=(),
                created_at=now,
                expires_at=now + timedelta(days=1),
            ),
        )
        uow.commit()
        path = f"/c/{uow.links.signer.token(link.id)}/form"
        # Valid long enough for the whole run.
        cookie_until = uow.links.signer.verified_cookie(link.id, now + timedelta(minutes=20))
        cookie = f"trialreach_verified={cookie_until}"
    return token, path, cookie


def timed(fn: Any, runs: int) -> list[float]:
    spent = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        spent.append(time.perf_counter() - started)
    return spent


def bench_queries(app: Any, runtime: Any, token: str, runs: int) -> list[tuple[str, str]]:
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    record, number = (
        runtime.engine.connect()
        .execute(
            text(
                "SELECT participant_id, study_number FROM consent_records WHERE trial_id = :t "
                "LIMIT 1 OFFSET 777"
            ),
            {"t": BIG_TRIAL},
        )
        .one()
    )

    def summary() -> None:
        assert client.get(f"/trials/{BIG_TRIAL}/summary", headers=headers).status_code == 200

    def one() -> None:
        response = client.get(f"/trials/{BIG_TRIAL}/consent-records/{number}", headers=headers)
        assert response.status_code == 200

    with runtime.engine.connect() as conn:

        def group_by() -> None:
            conn.execute(
                text(
                    "SELECT status, count(*) FROM consent_records WHERE trial_id = :t "
                    "GROUP BY status"
                ),
                {"t": BIG_TRIAL},
            ).all()

        def pk() -> None:
            conn.execute(
                text("SELECT * FROM consent_records WHERE participant_id = :p AND trial_id = :t"),
                {"p": record, "t": BIG_TRIAL},
            ).all()

        summary()  # warm up
        one()
        ours_summary = timed(summary, runs)
        base_summary = timed(group_by, max(5, runs // 100))
        ours_one = timed(one, runs)
        base_one = timed(pk, runs)
    return [
        ("summary (600k-record trial), ours over HTTP stack", summary_ms(ours_summary)),
        ("  baseline: GROUP BY over records, SQL only", summary_ms(base_summary)),
        (
            "  ratio p99 baseline/ours",
            f"{percentile(base_summary, 99) / percentile(ours_summary, 99):.1f}x faster",
        ),
        ("one record + history + chain check, ours", summary_ms(ours_one)),
        ("  baseline: primary-key SELECT, SQL only", summary_ms(base_one)),
        ("  ratio p99 ours/baseline", f"{percentile(ours_one, 99) / percentile(base_one, 99):.1f}"),
    ]


def rss_mib() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def bench_fhir(app: Any, runtime: Any, token: str) -> list[tuple[str, str]]:
    client = app.test_client()
    trial = SMALL_TRIALS[0]
    started = time.perf_counter()
    response = client.get(
        f"/trials/{trial}/fhir", headers={"Authorization": f"Bearer {token}"}, buffered=False
    )
    size, samples = 0, []
    for chunk in response.response:
        size += len(chunk)
        samples.append(rss_mib())
    elapsed = time.perf_counter() - started
    response.close()
    with runtime.engine.connect() as conn:
        count = conn.execute(
            text("SELECT count(*) FROM consent_records WHERE trial_id = :t"), {"t": trial}
        ).scalar_one()
        started = time.perf_counter()
        rows = conn.execution_options(yield_per=2000).execute(
            text(
                "SELECT r.*, p.language, p.sex FROM consent_records r JOIN participants p "
                "USING (participant_id) WHERE r.trial_id = :t ORDER BY r.participant_id"
            ),
            {"t": trial},
        )
        for row in rows:
            json.dumps({k: str(v) for k, v in row._mapping.items()})
        base = time.perf_counter() - started
    resources = 2 * count
    tenth = samples[len(samples) // 10] if samples else 0
    return [
        (
            f"FHIR export, {count:,} records = {resources:,} resources",
            f"{resources / elapsed:,.0f} resources/s ({size / 2**20:.0f} MiB in {elapsed:.1f} s)",
        ),
        (
            "  memory (RSS) at 10% / at end of stream",
            f"{tenth:.0f} MiB / {samples[-1]:.0f} MiB" if samples else "-",
        ),
        ("  baseline: same rows as JSON, SQL only", f"{count / base:,.0f} rows/s"),
        (
            "  ratio resources/s ours / rows/s baseline",
            f"{resources / elapsed / (count / base):.2f}",
        ),
    ]


def _hammer(args: tuple[int, str, str, float]) -> tuple[int, int]:
    """Requests answered 200 in `seconds` on one keep-alive connection, and failures."""
    port, path, cookie, seconds = args
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    done = failed = 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            conn.request("GET", path, headers={"Cookie": cookie})
            response = conn.getresponse()
            response.read()
        except (OSError, http.client.HTTPException):
            failed += 1
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            continue
        if response.status == 200:
            done += 1
        else:
            failed += 1
    conn.close()
    return done, failed


def bench_page(url: str, tmp: Path, path: str, cookie: str, seconds: float, clients: int) -> list:
    port = 18000 + os.getpid() % 1000
    env = {
        "CONSENT_DATABASE_URL": url,
        "DOB_HASH_KEY": DOB_KEY,
        "BROKER_URL": "filesystem://",
        "BUS_DATA_DIR": str(tmp),
        "LOG_LEVEL": "WARNING",
        "CONSENT_PUBLIC_BASE_URL": "http://b",
    }
    # No recycling mid-run: a steady state, not gunicorn restarting its workers.
    with gunicorn("services.consent:create_app()", port, 2, env, ["--max-requests", "0"]):
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and _hammer((port, "/healthz", "", 0.01))[0] == 0:
            time.sleep(0.3)
        _hammer((port, path, cookie, 1.0))  # warm both workers
        results, failures = [], 0
        with multiprocessing.Pool(clients) as pool:
            for target in (path, "/healthz"):
                counts = pool.map(_hammer, [(port, target, cookie, seconds)] * clients)
                results.append(sum(ok for ok, _ in counts) / seconds)
                failures += sum(bad for _, bad in counts)
    page, health = results
    return [
        (f"consent page over HTTP, gunicorn 2x4, {clients} clients", f"{page:,.0f} req/s"),
        ("  baseline: /healthz on the same server", f"{health:,.0f} req/s"),
        ("  ratio ours/baseline", f"{page / health:.2f}"),
        ("  failed requests (both runs)", str(failures)),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=2000)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--clients", type=int, default=4)
    args = parser.parse_args()
    tmp = Path(f"/tmp/bench-consent-{uuid.uuid4().hex[:6]}")
    tmp.mkdir()
    with scratch_database("consent") as url:
        runtime = build_runtime(settings(url, tmp))
        runtime.migrate()
        started = time.perf_counter()
        load(runtime, args.records)
        print(f"loaded {args.records:,} records in {time.perf_counter() - started:.0f} s")
        token, path, cookie = seed_page(runtime)
        app = create_app(settings(url, tmp))
        print_table(bench_queries(app, runtime, token, args.runs))
        print_table(bench_fhir(app, runtime, token))
        app.extensions["trialreach.runtime"].engine.dispose()
        print_table(bench_page(url, tmp, path, cookie, args.seconds, args.clients))
        runtime.engine.dispose()


if __name__ == "__main__":
    main()

"""The shared rate limit on PostgreSQL and SQLite, and sending windows applied at claim time."""

from __future__ import annotations

import threading
import time
import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from services.messaging.adapters.orm import messages
from services.messaging.adapters.rate_limiter import DatabaseRateLimiter
from services.messaging.domain.model import PRIORITY_REPLY, Message
from services.messaging.domain.windows import DEFAULT_WINDOW
from services.messaging.service_layer import sending
from shared.db.engine import make_engine
from shared.runtime import Runtime
from tests.integration.messaging.both_databases import on_both_databases  # noqa: F401
from tests.integration.messaging.conftest import uow
from tests.support.cohort import approved_batch

pytestmark = pytest.mark.integration


def test_two_senders_together_never_take_more_than_the_limit_allows(runtime: Runtime) -> None:
    rate, seconds = 200.0, 1.5
    # Two engines, as two sending processes would have.
    limiters = [
        DatabaseRateLimiter(make_engine(runtime.settings.database_url), "sms", rate)
        for _ in range(2)
    ]
    granted = [0, 0]
    started = time.monotonic()

    def drain(index: int) -> None:
        while time.monotonic() - started < seconds:
            grant = limiters[index].take(25)
            granted[index] += grant.granted
            if grant.granted == 0:
                time.sleep(grant.retry_after)

    threads = [threading.Thread(target=drain, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    burst = limiters[0].burst
    assert sum(granted) <= burst + rate * elapsed
    assert all(g > 0 for g in granted), "both senders got a share"
    for limiter in limiters:
        limiter.engine.dispose()


def test_outside_the_window_bulk_waits_for_the_opening_while_a_reply_goes(
    runtime: Runtime,
) -> None:
    approved_batch(runtime, ["+447450000001"])
    reply = Message(
        participant_id=uuid.uuid4(),
        to="+447450000002",
        body="Thank you.",
        kind="yes_ack",
        priority=PRIORITY_REPLY,
    )
    with uow(runtime) as work:
        work.messages.add(reply)
        work.commit()
    saturday = datetime(2026, 3, 28, 12, 0, tzinfo=UTC)

    jobs = sending.claim(uow(runtime), 50, DEFAULT_WINDOW, at=saturday)

    assert [job.to for job in jobs] == ["+447450000002"]
    with runtime.engine.connect() as conn:
        invitation = conn.execute(
            select(messages.c.status, messages.c.not_before).where(messages.c.kind == "invitation")
        ).one()
    assert invitation.status == "queued"
    # Monday 30 March 2026 09:00 in London is 08:00 UTC: the clocks went forward on Sunday.
    assert invitation.not_before.replace(tzinfo=UTC) == datetime(2026, 3, 30, 8, 0, tzinfo=UTC)


def test_inside_the_window_a_bulk_text_is_valid_only_until_closing(runtime: Runtime) -> None:
    approved_batch(runtime, ["+447450000003"])
    monday = datetime(2026, 11, 23, 17, 30, tzinfo=UTC)  # 17:30 GMT, half an hour left
    [job] = sending.claim(uow(runtime), 50, DEFAULT_WINDOW, at=monday)
    request = sending.request_for(job, lambda m: f"http://cb/{m}", validity_seconds=14_400)
    assert request.validity_seconds == 1800

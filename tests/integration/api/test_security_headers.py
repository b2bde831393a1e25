"""Security headers on every app (shared/http/security.py), /metrics behind a token, and a
locked consent link that does the same work as a live one (issue 14, item 18)."""

from __future__ import annotations

import re
import statistics
import time
from datetime import date
from typing import Any

import pytest
from sqlalchemy import event

from services.consent.service_layer import records as consent_records
from shared.http.observability import metrics_access
from tests.integration.api.conftest import Service, World
from tests.integration.api.test_consent_page import (
    DOB,
    a_patient,
    a_trial_with_a_form,
    confirm_dob,
    csrf,
)

pytestmark = pytest.mark.integration


def a_link(service: Service) -> str:
    patient = a_patient(service, a_trial_with_a_form(service), "en")
    consent_records.record_reply(service.uow(), patient.participant_id, patient.trial_id, "yes")
    return patient.link()


def test_the_consent_page_has_a_csp_with_a_nonce_nosniff_and_no_referrer(
    consent_service: Service,
) -> None:
    response = consent_service.client().get(a_link(consent_service))
    headers = response.headers
    policy = headers["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", policy)
    assert nonce, policy
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert (
        "script-src 'self' 'nonce-" in policy
        and "unsafe-inline' " not in policy.split("style-src")[0]
    )
    page = response.get_data(as_text=True)
    scripts = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", page)
    assert scripts and all(f'nonce="{nonce.group(1)}"' in attrs for attrs in scripts)
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"
    assert headers["Cache-Control"] == "no-store"
    assert "Strict-Transport-Security" not in headers  # plain http: the local run


def test_a_new_nonce_for_every_response(consent_service: Service) -> None:
    client = consent_service.client()
    link = a_link(consent_service)
    first = client.get(link).headers["Content-Security-Policy"]
    second = client.get(link).headers["Content-Security-Policy"]
    assert first != second


def test_hsts_is_sent_behind_https(consent_service: Service) -> None:
    link = a_link(consent_service)
    response = consent_service.client().get(link, base_url="https://consent.test")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    api = consent_service.client().get("/healthz", base_url="https://consent.test")
    assert "Strict-Transport-Security" in api.headers


def test_api_answers_with_patient_data_are_never_stored(consent_world: World) -> None:
    client = consent_world.service.client()
    response = client.get(
        f"/trials/{consent_world.trial_x}/consent-records",
        headers=consent_world.headers("coordinator_x"),
    )
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert (
        response.headers["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'none'"
    )


@pytest.mark.parametrize("caller", ["no_token", "unknown_token", "staff_a", "coordinator_x"])
def test_metrics_are_refused_without_the_metrics_or_an_admin_token(
    consent_world: World, caller: str
) -> None:
    response = consent_world.service.client().get("/metrics", headers=consent_world.headers(caller))
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert "http_requests_total" not in response.get_data(as_text=True)


def test_an_admin_token_reads_the_metrics(consent_world: World) -> None:
    response = consent_world.service.client().get(
        "/metrics", headers=consent_world.headers("admin")
    )
    assert response.status_code == 200
    assert "http_requests_total" in response.get_data(as_text=True)


def test_the_metrics_token_is_compared_whole() -> None:
    allowed = metrics_access("m" * 40)
    assert allowed("m" * 40)
    assert not allowed("m" * 39) and not allowed("m" * 41) and not allowed("")
    assert not metrics_access(None)("")


def _statements(service: Service, run: Any) -> list[str]:
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append(statement.split()[0].upper())

    engine = service.runtime.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        run()
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return seen


WRONG = date(1980, 1, 1)


def test_a_locked_link_does_the_same_work_as_a_live_one(consent_service: Service) -> None:
    client = consent_service.client()
    live, locked = a_link(consent_service), a_link(consent_service)
    # A form token from a page opened before: a locked link's page has no form to read one from.
    opened = csrf(client, locked)
    for _ in range(5):
        confirm_dob(client, locked, WRONG, token=opened)

    on_live = _statements(consent_service, lambda: confirm_dob(client, live, WRONG, opened))
    on_locked = _statements(consent_service, lambda: confirm_dob(client, locked, DOB, opened))

    assert "UPDATE" in on_live
    assert on_locked == on_live

    def timed(link: str) -> float:
        started = time.perf_counter()
        confirm_dob(client, link, WRONG, opened)
        return time.perf_counter() - started

    # Interleaved, so load on the machine falls on both alike; the live link is re-created
    # before it locks itself.
    live_times, locked_times = [], []
    for i in range(16):
        if i % 4 == 3:
            live = a_link(consent_service)
        live_times.append(timed(live))
        locked_times.append(timed(locked))
    ratio = statistics.median(live_times) / statistics.median(locked_times)
    assert 0.5 < ratio < 2, (live_times, locked_times)

"""The sender's /metrics answers only the metrics token, like the web apps' /metrics."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests
from prometheus_client import CollectorRegistry, Counter

from shared.http.metrics_server import serve_metrics
from shared.http.observability import metrics_access
from tests.support.processes import free_port

TOKEN = "a-metrics-token-for-the-sender-0123456789"


@pytest.fixture
def url() -> Iterator[str]:
    registry = CollectorRegistry()
    Counter("provider_calls", "calls", registry=registry).inc(3)
    port = free_port()
    server = serve_metrics(port, registry, metrics_access(TOKEN), host="127.0.0.1")
    yield f"http://127.0.0.1:{port}/metrics"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("header", [None, "Bearer wrong-token", f"Basic {TOKEN}", "Bearer  "])
def test_anything_but_the_token_gets_a_problem_document(url: str, header: str | None) -> None:
    headers = {"Authorization": header} if header else {}
    response = requests.get(url, headers=headers, timeout=5)
    assert response.status_code == 401
    assert response.headers["Content-Type"] == "application/problem+json"
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="metrics"'
    assert response.json()["detail"].startswith("send the metrics token")
    assert "provider_calls" not in response.text


def test_the_token_reads_the_counters(url: str) -> None:
    response = requests.get(url, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=5)
    assert response.status_code == 200
    assert "provider_calls_total 3.0" in response.text


def test_without_a_metrics_token_nobody_reads_them(url: str) -> None:
    registry = CollectorRegistry()
    port = free_port()
    server = serve_metrics(port, registry, metrics_access(None), host="127.0.0.1")
    try:
        response = requests.get(
            f"http://127.0.0.1:{port}/metrics", headers={"Authorization": "Bearer x"}, timeout=5
        )
        assert response.status_code == 401
    finally:
        server.shutdown()
        server.server_close()

"""Health, readiness and Prometheus metrics, and per-request logging with correlation ids."""

from __future__ import annotations

import hmac
import time
from collections.abc import Callable

from flask import Blueprint, Flask, Response, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)

from shared import correlation
from shared.http.problems import problem
from shared.logs import get_logger

log = get_logger("http")
CORRELATION_HEADER = "X-Correlation-ID"

Check = Callable[[], None]
# Whether a bearer token may read /metrics (the metrics token, or an admin's API token).
MetricsAccess = Callable[[str], bool]


def metrics_access(
    metrics_token: str | None, admin: Callable[[str], bool] | None = None
) -> MetricsAccess:
    def allowed(token: str) -> bool:
        if metrics_token and hmac.compare_digest(token.encode(), metrics_token.encode()):
            return True
        return admin is not None and admin(token)

    return allowed


def bearer_may_read_metrics(authorization: str, may_read: MetricsAccess) -> bool:
    """Whether an Authorization header carries a bearer token that may read /metrics."""
    scheme, _, token = authorization.partition(" ")
    return scheme.lower() == "bearer" and bool(token.strip()) and may_read(token.strip())


class Metrics:
    def __init__(self, service: str) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "http_requests_total",
            "HTTP requests",
            ["service", "method", "endpoint", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "http_request_duration_seconds",
            "HTTP request latency",
            ["service", "endpoint"],
            registry=self.registry,
        )
        self.service = service


def install(
    app: Flask, service: str, checks: dict[str, Check], may_read_metrics: MetricsAccess
) -> Metrics:
    metrics = Metrics(service)
    blueprint = Blueprint("observability", __name__)

    @blueprint.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok", "service": service}

    @blueprint.get("/readyz")
    def readyz() -> Response | dict[str, object]:
        failed = {}
        for name, check in checks.items():
            try:
                check()
            except Exception as exc:  # report, don't crash: this is what readiness is for
                failed[name] = type(exc).__name__
        if failed:
            detail = ", ".join(f"{name} unavailable ({err})" for name, err in failed.items())
            return problem(503, "Not ready", detail)
        return {"status": "ready", "checks": sorted(checks)}

    @blueprint.get("/metrics")
    def metrics_view() -> Response:
        # Request counts per endpoint and status say what is used and what fails: not public.
        if not bearer_may_read_metrics(request.headers.get("Authorization", ""), may_read_metrics):
            return problem(
                401,
                "Unauthorized",
                "send the metrics token (METRICS_TOKEN) or an admin's API token as "
                "'Authorization: Bearer <token>'",
                headers={"WWW-Authenticate": 'Bearer realm="metrics"'},
            )
        return Response(generate_latest(metrics.registry), mimetype=CONTENT_TYPE_LATEST)

    app.register_blueprint(blueprint)

    @app.before_request
    def _start() -> None:
        correlation.use(request.headers.get(CORRELATION_HEADER))
        g.started = time.perf_counter()

    @app.after_request
    def _finish(response: Response) -> Response:
        elapsed = time.perf_counter() - g.get("started", time.perf_counter())
        endpoint = request.url_rule.rule if request.url_rule else "unmatched"
        metrics.requests.labels(service, request.method, endpoint, response.status_code).inc()
        metrics.latency.labels(service, endpoint).observe(elapsed)
        response.headers[CORRELATION_HEADER] = correlation.current()
        if endpoint not in ("/metrics", "/healthz"):
            log.info(
                "request",
                method=request.method,
                # A view may hide a credential in its path (consent links) via g.log_path.
                path=g.get("log_path", request.path),
                status=response.status_code,
                ms=round(elapsed * 1000, 1),
            )
        return response

    @app.teardown_request
    def _clear(_: BaseException | None) -> None:
        correlation.clear()

    return metrics

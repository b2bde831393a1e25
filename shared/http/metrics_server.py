"""/metrics for a process without a web app (the sender): the same bearer check as the apps'.

prometheus_client's own server answers anyone; provider call counts and timings say how
the service is used and when it fails, so they are not public.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from prometheus_client import CollectorRegistry, make_wsgi_app

from shared.http.observability import MetricsAccess, bearer_may_read_metrics

_DENIED = json.dumps(
    {
        "type": "about:blank",
        "title": "Unauthorized",
        "status": 401,
        "detail": "send the metrics token (METRICS_TOKEN) as 'Authorization: Bearer <token>'",
    }
).encode()


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """Scrapes every few seconds would flood the logs."""


def metrics_wsgi_app(registry: CollectorRegistry, may_read: MetricsAccess) -> Any:
    serve = make_wsgi_app(registry)

    def app(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        if not bearer_may_read_metrics(environ.get("HTTP_AUTHORIZATION", ""), may_read):
            start_response(
                "401 Unauthorized",
                [
                    ("Content-Type", "application/problem+json"),
                    ("WWW-Authenticate", 'Bearer realm="metrics"'),
                ],
            )
            return [_DENIED]
        return serve(environ, start_response)  # type: ignore[no-any-return]

    return app


def serve_metrics(
    port: int,
    registry: CollectorRegistry,
    may_read: MetricsAccess,
    host: str = "0.0.0.0",  # noqa: S104 - scraped from another container
) -> WSGIServer:
    """Serve on a daemon thread; returns the server (tests shut it down)."""
    server = make_server(
        host, port, metrics_wsgi_app(registry, may_read), _Server, handler_class=_QuietHandler
    )
    threading.Thread(target=server.serve_forever, name="metrics", daemon=True).start()
    return server

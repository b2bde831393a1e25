"""Hand a service's streamed file (CSV, FHIR) straight on to the browser."""

from __future__ import annotations

from collections.abc import Iterator

from flask import Response, stream_with_context

from services.console.adapters.api_client import ServiceClient

PASSED_ON = ("Content-Type", "Content-Disposition")


def passed_on(client: ServiceClient, path: str) -> Response:
    upstream = client.download(path)

    def body() -> Iterator[bytes]:
        try:
            yield from upstream.iter_content(chunk_size=64 * 1024)
        finally:
            upstream.close()

    headers = {k: upstream.headers[k] for k in PASSED_ON if k in upstream.headers}
    return Response(stream_with_context(body()), headers=headers)

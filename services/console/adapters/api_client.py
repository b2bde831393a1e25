"""Calls the services' HTTP APIs with the signed-in user's token; problems become ApiProblem."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import IO, Any

import requests

from shared import correlation
from shared.http.observability import CORRELATION_HEADER


@dataclass
class ApiProblem(Exception):
    """An RFC 9457 problem from a service, or a service that could not be reached."""

    status: int
    title: str
    detail: str = ""
    errors: list[dict[str, str]] = field(default_factory=list)

    def __str__(self) -> str:
        return f"{self.status} {self.title}: {self.detail}"


class ServiceClient:
    def __init__(self, base_url: str, token: str, timeout: float, session: requests.Session):
        self.base_url = base_url
        self.token = token
        self.timeout = timeout
        self.session = session

    def get(self, path: str, **params: Any) -> Any:
        return self._call("GET", path, params=_without_blanks(params))

    def post(self, path: str, json: Any = None) -> Any:
        return self._call("POST", path, json=json)

    def put(self, path: str, json: Any) -> Any:
        return self._call("PUT", path, json=json)

    def patch(self, path: str, json: Any) -> Any:
        return self._call("PATCH", path, json=json)

    def delete(self, path: str) -> Any:
        return self._call("DELETE", path)

    def upload(self, path: str, stream: IO[bytes], filename: str, **params: Any) -> Any:
        """Pass a file on as multipart without reading it all into memory."""
        files = {"file": (filename, stream, "application/octet-stream")}
        return self._call("POST", path, files=files, params=_without_blanks(params))

    def post_file(
        self, path: str, field: str, upload: tuple[str, IO[bytes], str], form: dict[str, Any]
    ) -> Any:
        """A multipart form: `form`'s fields and one file (`upload`: name, stream, type)."""
        return self._call("POST", path, files={field: upload}, data=_without_blanks(form))

    def download(self, path: str) -> requests.Response:
        """A streamed response (CSV, FHIR) to hand straight on to the browser."""
        return self._call("GET", path, stream=True, raw=True)

    def _call(self, method: str, path: str, raw: bool = False, **kwargs: Any) -> Any:
        headers = {
            "Authorization": f"Bearer {self.token}",
            "Accept": "application/json",
            CORRELATION_HEADER: correlation.current(),
        }
        try:
            response = self.session.request(
                method, self.base_url + path, headers=headers, timeout=self.timeout, **kwargs
            )
        except requests.RequestException as exc:
            raise ApiProblem(503, "Service unavailable", _unreachable(exc)) from exc
        if response.status_code >= 400:
            raise _problem(response)
        if raw:
            return response
        return response.json() if response.content else None


def _unreachable(exc: requests.RequestException) -> str:
    kind = "timed out" if isinstance(exc, requests.Timeout) else "could not be reached"
    return (
        f"A TrialReach service {kind}. Try again in a minute; "
        "if it keeps happening, tell your administrator."
    )


def _problem(response: requests.Response) -> ApiProblem:
    try:
        body = response.json()
    except ValueError:
        body = {}
    if not isinstance(body, dict):
        body = {}
    return ApiProblem(
        status=response.status_code,
        title=str(body.get("title") or response.reason or "Error"),
        detail=str(body.get("detail") or ""),
        errors=[e for e in body.get("errors", []) if isinstance(e, dict)],
    )


def _without_blanks(params: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in params.items() if v not in (None, "")}

"""A small HTTP client for end-to-end tests: one base URL, one token, clear failures."""

from __future__ import annotations

from typing import Any

import requests

from tests.support.waiting import eventually as eventually  # where e2e tests find it


class ApiClient:
    def __init__(self, base_url: str, token: str | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.session = requests.Session()
        if token:
            self.session.headers["Authorization"] = f"Bearer {token}"

    def request(self, method: str, path: str, expect: int, **kwargs: Any) -> Any:
        response = self.session.request(method, self.base_url + path, timeout=10, **kwargs)
        if response.status_code != expect:
            raise AssertionError(
                f"{method} {path}: expected {expect}, got {response.status_code}: {response.text}"
            )
        return response.json() if response.content else None

    def get(self, path: str, expect: int = 200, **kwargs: Any) -> Any:
        return self.request("GET", path, expect, **kwargs)

    def post(self, path: str, json: Any, expect: int = 201, **kwargs: Any) -> Any:
        return self.request("POST", path, expect, json=json, **kwargs)

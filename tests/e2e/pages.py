"""What every console test in the browser does: sign in with a token, keep a screenshot."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.e2e.conftest import System
from tests.support.processes import ARTIFACTS


def sign_in(page: Any, system: System, token: str) -> None:
    page.goto(f"{system.urls['console']}/sign-in")
    page.get_by_label("Access token").fill(token)
    page.get_by_role("button", name="Sign in").click()


def shot(page: Any, request: pytest.FixtureRequest, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{request.node.name}-{name}.png"), full_page=True)


def open_section(page: Any, title: str) -> None:
    """Follow a section's link from the start page, which lists the same sections as the
    header; the header's own links move under "More" whenever its script finds them too
    wide, which makes them a moving target."""
    parts = urlsplit(page.url)
    page.goto(f"{parts.scheme}://{parts.netloc}/")
    page.get_by_role("main").get_by_role("link", name=title, exact=True).click()

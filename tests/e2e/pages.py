"""What every console test in the browser does: sign in with a token, keep a screenshot."""

from __future__ import annotations

from typing import Any

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
    """Follow a header link; nhsuk-frontend puts those that do not fit under "More"."""
    menu = page.get_by_role("navigation", name="Menu")
    link = menu.get_by_role("link", name=title, exact=True)
    if not link.is_visible():
        menu.get_by_role("button", name="More").click()
    link.click()

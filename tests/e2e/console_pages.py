"""Driving the console in Chromium: signing in, screenshots kept as artifacts, axe checks."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.e2e.conftest import System
from tests.support.axe import violations
from tests.support.processes import ARTIFACTS


def sign_in(page: Any, system: System, token: str) -> None:
    page.goto(f"{system.urls['console']}/sign-in")
    page.get_by_label("Access token").fill(token)
    page.get_by_role("button", name="Sign in").click()


def nav(page: Any, name: str) -> None:
    """Open a section from the header; links that do not fit are under its More menu."""
    menu = page.get_by_role("navigation", name="Menu")
    menu.wait_for()
    page.wait_for_load_state()  # the design system's script has laid the menu out
    link = menu.get_by_role("link", name=name, exact=True)
    if not link.is_visible():
        menu.get_by_role("button", name="More").click()
    link.click()


def open_section(page: Any, title: str) -> None:
    """Follow a section's link from the start page, which lists the same sections as the
    header (whose links move under "More" whenever they do not fit)."""
    parts = urlsplit(page.url)
    page.goto(f"{parts.scheme}://{parts.netloc}/")
    page.get_by_role("main").get_by_role("link", name=title, exact=True).click()


def shot(page: Any, request: pytest.FixtureRequest, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{request.node.name}-{name}.png"), full_page=True)


def seen(page: Any, request: pytest.FixtureRequest, name: str) -> None:
    """A page on the way through a day: kept as a screenshot, and accessible (axe)."""
    shot(page, request, name)
    accessible(page)


def accessible(page: Any) -> None:
    """No axe violations, once the header's script has laid out its "More" menu."""
    page.wait_for_load_state("load")
    found = violations(page)
    assert found == [], f"{page.url}: {found}"

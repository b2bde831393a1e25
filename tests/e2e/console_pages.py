"""Driving the console in Chromium: signing in, screenshots kept as artifacts, axe checks."""

from __future__ import annotations

import contextlib
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Error as PlaywrightError

from tests.e2e.conftest import System
from tests.support.axe import violations
from tests.support.processes import ARTIFACTS
from tests.support.waiting import eventually


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


# What a page is measured by at each width, in the browser's own layout.
TABLES = """() => Array.from(document.querySelectorAll('main table')).map(t => {
    const row = t.tHead ? t.tHead.rows[0] : t.rows[0];
    const last = row.cells[row.cells.length - 1];
    const region = t.closest('.trialreach-scroll');
    const box = region ? region.getBoundingClientRect() : null;
    return {
        table: (t.caption && t.caption.innerText) || row.innerText.slice(0, 60),
        last: last.innerText,
        right: last.getBoundingClientRect().right,
        viewport: document.documentElement.clientWidth,
        region_right: box ? box.right : null,
        focusable: region ? region.tabIndex === 0 : false,
    };
})"""


def channel_rows(page: Any, testid: str) -> dict[str, list[str]]:
    """Reach by channel as shown: channel -> invited, delivered, replied, consented."""
    rows = page.get_by_test_id(testid).locator("tbody tr")
    return {
        row.locator("th").inner_text(): row.locator("td").all_inner_texts() for row in rows.all()
    }


def page_becomes(page: Any, expression: str, timeout: float = 30) -> None:
    """Wait until `expression` is true in the page. Polled from here, because Playwright's
    wait_for_function compiles its predicate with eval, which the pages' CSP refuses."""

    def holds() -> bool:
        try:
            return bool(page.evaluate(expression))
        except PlaywrightError:  # the page is between two loads
            return False

    eventually(holds, timeout, f"{expression} on {page.url}", every=0.1)


def fits_the_screen(page: Any) -> None:
    """The page never scrolls sideways: wide content scrolls inside its own region. After a
    resize the header's script moves links that no longer fit under "More" (debounced), so
    the page is given a moment to settle before it is measured."""
    with contextlib.suppress(AssertionError):  # a page that never settles is measured below
        page_becomes(
            page,
            "document.documentElement.scrollWidth <= document.documentElement.clientWidth",
            timeout=10,  # a loaded machine runs the header's script late
        )
    wide = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert wide[0] <= wide[1], f"{page.url} is {wide[0]} px wide on a {wide[1]} px screen"


def tables_show_their_last_column(page: Any, at_a_glance: bool) -> None:
    """At desktop width (`at_a_glance`) every table's last column is in view without
    scrolling; on a phone it is in view or reachable by scrolling the table's own region,
    which keyboard users can focus."""
    for table in page.evaluate(TABLES):
        in_view = table["right"] <= table["viewport"] + 1 and (
            table["region_right"] is None or table["right"] <= table["region_right"] + 1
        )
        if at_a_glance:
            assert in_view, f"{page.url}: the last column of {table} is out of view"
        else:
            reachable = (
                table["region_right"] is not None
                and table["region_right"] <= table["viewport"] + 1
                and table["focusable"]
            )
            assert in_view or reachable, f"{page.url}: {table} cannot be scrolled to"


def laid_out_at(page: Any, width: int) -> None:
    """The page at a phone's width (390 px) or a desktop's (1280 px)."""
    page.set_viewport_size({"width": width, "height": 900})
    fits_the_screen(page)
    tables_show_their_last_column(page, at_a_glance=width >= 1280)


def at_phone_and_desktop(page: Any, request: pytest.FixtureRequest, name: str) -> None:
    """The page as it is, checked and screenshotted at 390 px and at 1280 px, then back at the
    laptop width the days run at."""
    for width in (390, 1280):
        laid_out_at(page, width)
        shot(page, request, f"{name}-{width}")
    page.set_viewport_size({"width": 900, "height": 900})

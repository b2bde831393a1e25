"""The admin page listing, per language, the page words translated and their review."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html import unescape

import pytest
from flask import Flask
from flask.testing import FlaskClient

from services.console import create_app
from tests.support.console_fakes import FakeServices, console_over, console_settings, signed_in_as


@pytest.fixture
def app() -> Iterator[Flask]:
    settings = console_settings()
    yield create_app(settings)


def test_admins_see_each_language_with_its_coverage_and_review_state(
    client: FlaskClient,
) -> None:
    page = signed_in_as(client, "admin").get("/admin/languages")
    html = page.get_data(True)
    assert page.status_code == 200
    rows = html.split('data-testid="languages"', 1)[1].split("</table>", 1)[0]
    assert "Punjabi (Shahmukhi) (pa-Arab)" in rows and "Tigrinya (ti)" in rows
    assert rows.count("<strong>Not reviewed</strong>") >= 25
    assert re.search(r"\b(\d+) of \1\b", rows), "a language with every message translated"


def test_staff_may_not_open_it(client: FlaskClient) -> None:
    assert signed_in_as(client, "staff").get("/admin/languages").status_code in (302, 403)


# One language: page words, each trial's texts and consent forms (issue 15 item 5)

TRIAL = {"id": "7d4c6f4e-0000-4000-8000-000000000001", "short_name": "HEART", "title": "Heart"}
OTHER = {"id": "7d4c6f4e-0000-4000-8000-000000000002", "short_name": "LUNG", "title": "Lungs"}


def template(
    kind: str, language: str, version: int, reviewed_by: str | None, trial: str | None = None
) -> dict[str, object]:
    return {
        "kind": kind,
        "language": language,
        "version": version,
        "trial_id": trial,
        "reviewed": reviewed_by is not None,
        "reviewed_by": reviewed_by,
        "created_by": "shipped with TrialReach" if trial is None else "Dr Author",
    }


def form(version: int, status: str, *languages: str) -> dict[str, object]:
    return {"version": version, "status": status, "translations": {c: {} for c in languages}}


@pytest.fixture
def services() -> FakeServices:
    fake = FakeServices()
    shipped = [
        template("invitation", "en", 1, "TrialReach (shipped)"),
        template("invitation", "pl", 1, None),
        template("ack_no", "en", 2, "TrialReach (shipped)"),
        template("ack_no", "pl", 1, None),
        template("ack_no", "pl", 2, None),
        template("help", "en", 1, "TrialReach (shipped)"),
    ]
    own = [template("invitation", "pl", 1, "Anna Nowak", TRIAL["id"])]
    fake.routes[("GET", "/trials")] = lambda _: (200, [TRIAL, OTHER])
    fake.routes[("GET", "/templates")] = lambda q: (
        200,
        shipped if q.get("shipped") else own if q.get("trial_id") == TRIAL["id"] else [],
    )
    fake.routes[("GET", f"/trials/{TRIAL['id']}/forms")] = lambda _: (
        200,
        [form(1, "published", "en", "pl"), form(2, "published", "en"), form(3, "draft", "en")],
    )
    fake.routes[("GET", f"/trials/{OTHER['id']}/forms")] = lambda _: (200, [])
    return fake


def section(html: str, testid: str) -> str:
    return html.split(f'data-testid="{testid}"', 1)[1].split("</table>", 1)[0]


def cells(rows: str) -> list[list[str]]:
    return [
        [
            unescape(re.sub(r"<[^>]+>", "", c)).strip()
            for c in re.findall(r"<td[^>]*>(.*?)</td>", r, re.S)
        ]
        for r in rows.split("<tr")[1:]
        if "<td" in r
    ]


def test_one_language_shows_each_trials_texts_reviewed_or_not_and_by_whom(
    services: FakeServices,
) -> None:
    client = signed_in_as(console_over(services).test_client(), "admin")
    page = client.get("/admin/languages/pl")
    assert page.status_code == 200
    html = page.get_data(True)
    words = html.split('data-testid="words">', 1)[1].split("</p>", 1)[0]
    assert re.match(r"\d+ of \d+ translated, \d+ unreviewed\. Author: ", words)
    assert "<strong>Not reviewed</strong>" in words
    heart = cells(section(html, f"texts-{TRIAL['id']}"))
    assert heart == [
        ["Invitation", "Trial's own, version 1", "Dr Author", "Yes, by Anna Nowak"],
        ["Thanks after NO", "Shipped, version 2", "shipped with TrialReach", "Not reviewed"],
        ["Answer to HELP", "None", "", ""],
    ]
    lung = cells(section(html, f"texts-{OTHER['id']}"))
    assert lung[0] == [
        "Invitation",
        "Shipped, version 1",
        "shipped with TrialReach",
        "Not reviewed",
    ]
    assert "2 of 3 kinds in Polish, 1 reviewed" in section(html, f"texts-{TRIAL['id']}")


def test_one_language_shows_which_languages_each_published_form_version_has(
    services: FakeServices,
) -> None:
    client = signed_in_as(console_over(services).test_client(), "admin")
    forms = cells(section(client.get("/admin/languages/pl").get_data(True), "forms"))
    assert forms == [
        ["HEART: Heart", "2 (current)", "No", "English (en)"],
        ["HEART: Heart", "1", "Yes", "English (en), Polish (pl)"],
        ["LUNG: Lungs", "No published version"],
    ]
    asked = {(method, path) for method, path, _ in services.sent}
    assert ("GET", f"/trials/{OTHER['id']}/forms") in asked


def test_the_languages_page_links_to_each_language_and_an_unknown_code_is_not_found(
    services: FakeServices,
) -> None:
    client = signed_in_as(console_over(services).test_client(), "admin")
    assert 'href="/admin/languages/pl"' in client.get("/admin/languages").get_data(True)
    assert client.get("/admin/languages/xx").status_code == 404
    assert signed_in_as(client, "staff").get("/admin/languages/pl").status_code in (302, 403)

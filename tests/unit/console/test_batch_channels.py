"""The batch page shows counts and cost per channel and language, and reach by channel
(decision 30), over a fake messaging API."""

from __future__ import annotations

from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from services.console import create_app
from tests.support.console_fakes import console_settings, signed_in_as
from tests.unit.console.test_batch_page import BATCH, PREVIEW, REPORT, FakeResponse

NONE = "\u2013"  # the en dash shown where a channel has no SMS parts
CHANNELS = [
    {"channel": "sms", "language": "ur", "count": 1, "segments": 2, "cost": 0.08},
    {"channel": "whatsapp", "language": "en", "count": 3, "segments": 0, "cost": 0.09},
    {"channel": "letter", "language": "bn", "count": 2, "segments": 0, "cost": 1.70},
]
BY_CHANNEL = {
    "whatsapp": {
        "messages": 3,
        "reached": 2,
        "delivered": 1,
        "waiting": 0,
        "failed": 1,
        "answered": 2,
    },
    "letter": {"messages": 2, "reached": 0, "delivered": 0, "waiting": 2, "failed": 0},
}


class Messaging:
    def request(self, method: str, url: str, **_: Any) -> FakeResponse:
        if url.endswith("/preview"):
            return FakeResponse(200, {**PREVIEW, "channels": CHANNELS})
        if url.endswith("/report"):
            return FakeResponse(200, {**REPORT, "by_channel": BY_CHANNEL})
        return FakeResponse(404, {"title": "Not Found"})


@pytest.fixture
def app() -> Iterator[Flask]:
    app = create_app(console_settings())
    app.extensions["console.http"] = Messaging()
    yield app


def cells(page: str, testid: str) -> list[list[str]]:
    rows: list[list[str]] = []

    class Table(HTMLParser):
        inside = False
        cell: list[str] | None = None

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag == "table" and ("data-testid", testid) in attrs:
                self.inside = True
            elif self.inside and tag == "tr":
                rows.append([])
            elif self.inside and tag in ("td", "th"):
                self.cell = []

        def handle_endtag(self, tag: str) -> None:
            if tag == "table":
                self.inside = False
            elif self.inside and tag in ("td", "th") and self.cell is not None:
                rows[-1].append("".join(self.cell).strip())
                self.cell = None

        def handle_data(self, data: str) -> None:
            if self.cell is not None:
                self.cell.append(data)

    Table().feed(page)
    return rows


def test_the_preview_and_report_show_each_channel(client: FlaskClient) -> None:
    page = signed_in_as(client, "staff").get(f"/practice/batches/{BATCH}").get_data(True)
    assert cells(page, "preview-by-channel") == [
        ["Channel", "Language", "Patients", "SMS parts", "Cost (GBP)"],
        ["Text (SMS)", "Urdu", "1", "2", "0.08"],
        ["WhatsApp", "English", "3", NONE, "0.09"],
        ["Letter", "Bengali", "2", NONE, "1.70"],
    ]
    assert cells(page, "reach-by-channel") == [
        [
            "Channel",
            "Messages",
            "Sent or posted",
            "Delivered or answered",
            "Waiting",
            "Failed",
            "Replied",
        ],
        ["WhatsApp", "3", "2", "1", "0", "1", "2"],
        ["Letter", "2", "0", "0", "2", "0", "0"],
    ]

"""The coordinator's funnel and the equity report show reach by channel as consent's equity
report gives it, "<5" included (issue 17), over a fake consent API."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from services.console import create_app
from tests.support.console_fakes import console_settings, signed_in_as
from tests.unit.console.test_batch_channels import cells
from tests.unit.console.test_batch_page import FakeResponse

TRIAL = uuid.uuid4()
CHANNELS = [
    {"channel": "sms", "counts": {"invited": 40, "delivered": 38, "replied": 12, "consented": 7}},
    {
        "channel": "whatsapp",
        "counts": {"invited": 9, "delivered": 9, "replied": 6, "consented": "<5"},
    },
    {"channel": "voice", "counts": {"invited": 0, "delivered": 0, "replied": 0, "consented": 0}},
    {
        "channel": "letter",
        "counts": {"invited": "<5", "delivered": "<5", "replied": "<5", "consented": "<5"},
    },
]
EQUITY = {
    "trial_id": str(TRIAL),
    "definition": "Rates are out of the invited.",
    "totals": {"invited": 52, "replied": 19, "interested": 15, "consented": 10, "withdrawn": 0},
    "populations": {"invited": True, "eligible_cohort": False, "practice_list": False},
    "rows": [],
    "channels": CHANNELS,
}
ANSWERS = {
    f"/trials/{TRIAL}": {"id": str(TRIAL), "short_name": "HEART", "title": "The heart study"},
    f"/trials/{TRIAL}/summary": {"trial_id": str(TRIAL), "counts": {"invited": 52}, "total": 52},
    f"/trials/{TRIAL}/summary/practices": {"trial_id": str(TRIAL), "practices": []},
    f"/trials/{TRIAL}/equity": EQUITY,
    f"/trials/{TRIAL}/consent-records": {"items": [], "next_cursor": None},
}


class Services:
    def request(self, method: str, url: str, **_: Any) -> FakeResponse:
        for path, body in ANSWERS.items():
            if url.endswith(path):
                return FakeResponse(200, body)
        return FakeResponse(404, {"title": "Not Found"})


@pytest.fixture
def app() -> Iterator[Flask]:
    app = create_app(console_settings())
    app.extensions["console.http"] = Services()
    yield app


EXPECTED = [
    ["Channel", "Invited", "Delivered or answered", "Replied", "Consented"],
    ["Text (SMS)", "40", "38", "12", "7"],
    ["WhatsApp", "9", "9", "6", "<5"],
    ["Phone call", "0", "0", "0", "0"],
    ["Letter", "<5", "<5", "<5", "<5"],
]


def test_the_funnel_shows_each_channel(client: FlaskClient) -> None:
    page = signed_in_as(client, "coordinator").get(f"/trials/{TRIAL}").get_data(True)
    assert cells(page, "funnel-by-channel") == EXPECTED


def test_the_equity_report_shows_each_channel(client: FlaskClient) -> None:
    page = signed_in_as(client, "coordinator").get(f"/trials/{TRIAL}/equity").get_data(True)
    assert cells(page, "equity-by-channel") == EXPECTED

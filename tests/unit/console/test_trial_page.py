"""The trial setup page says when texts go out: the trial's own hours, or the deployment's."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.console_fakes import FakeServices, console_over, signed_in_as

TRIAL = "0b7d6a5e-3f31-4bb4-8d3c-9d2c1e0f4a11"
WEEKDAYS = {"days": "mon,tue,wed,thu,fri", "start": "08:00", "end": "20:00"}


def trial_page(settings: dict[str, Any]) -> str:
    services = FakeServices()
    services.routes[("GET", f"/trials/{TRIAL}")] = lambda _: (
        200,
        {"id": TRIAL, "short_name": "DAYS", "title": "T", "sponsor": "U", "languages": []},
    )
    services.routes[("GET", f"/trials/{TRIAL}/messaging-settings")] = lambda _: (200, settings)
    client = signed_in_as(console_over(services).test_client(), "admin")
    return client.get(f"/admin/trials/{TRIAL}").get_data(True)


@pytest.mark.parametrize(
    ("window", "effective", "shown"),
    [
        (
            None,
            {**WEEKDAYS, "source": "deployment"},
            "Monday to Friday, 08:00 to 20:00 UK time (this deployment's usual hours",
        ),
        (
            {"days": "sat", "start": "10:00", "end": "12:00"},
            {"days": "sat", "start": "10:00", "end": "12:00", "source": "trial"},
            "Saturday, 10:00 to 12:00 UK time (this trial's own hours)",
        ),
    ],
)
def test_the_page_shows_the_window_that_applies(
    window: dict[str, str] | None, effective: dict[str, str], shown: str
) -> None:
    page = trial_page(
        {
            "trial_id": TRIAL,
            "info_url": "https://example.org",
            "reminder_days": 7,
            "window": window,
            "effective_window": effective,
            "smart_encoding": True,
        }
    )
    assert shown in page

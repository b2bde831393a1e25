"""The console's Jinja filters, registered once for every page (see domain/formats.py)."""

from __future__ import annotations

from flask import Flask

from services.console.domain import formats

FILTERS = {
    "uk_time": formats.uk_time,
    "long_date": formats.long_date,
    "nhs_number": formats.nhs_number,
    "uk_mobile": formats.uk_mobile,
    "language_name": formats.language_name,
    "ethnic_category": formats.ethnic_category,
    "field_label": formats.field_label,
    "field_label_in_text": formats.field_label_in_text,
    "field_value": formats.field_value,
    "sending_window": formats.sending_window,
}


def install(app: Flask) -> None:
    app.jinja_env.filters.update(FILTERS)

"""Consent: consent records, their audit chain, and the coordinators' view."""

from __future__ import annotations

from flask import Flask

from services.consent.bootstrap import build_app
from services.consent.config import ConsentSettings, load_settings


def create_app(settings: ConsentSettings | None = None) -> Flask:
    return build_app(settings or load_settings())

"""The participant registry: practices, patients, trials, invitations, status per trial."""

from __future__ import annotations

from flask import Flask

from services.registry.bootstrap import build_app
from services.registry.config import RegistrySettings, load_settings


def create_app(settings: RegistrySettings | None = None) -> Flask:
    return build_app(settings or load_settings())

"""Consent commands: the shared ones."""

from __future__ import annotations

from services.consent.bootstrap import build_runtime
from services.consent.config import load_settings
from shared.cli import service_cli

cli = service_cli("consent", load_settings, build_runtime)

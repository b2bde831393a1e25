"""Console settings from the environment."""

from __future__ import annotations

from dataclasses import dataclass

from environs import Env
from marshmallow.validate import Length, Range

from shared.config import default_sqlite_url, optional_secret, sealed


@dataclass(frozen=True)
class ConsoleSettings:
    secret_key: str
    registry_url: str
    messaging_url: str
    consent_url: str
    secure_cookies: bool  # False only for the local run over plain http
    session_hours: int
    api_timeout: float
    log_level: str
    log_format: str
    testing: bool = False
    # Sessions live on the server (docs/decisions/0018); load_settings defaults to a file
    # under var/ (CONSOLE_DATABASE_URL), tests to an in-memory SQLite.
    database_url: str = "sqlite://"
    session_idle_minutes: int = 30
    sign_in_per_minute: int = 10
    metrics_token: str | None = None  # the bearer token Prometheus sends for /metrics


def load_settings() -> ConsoleSettings:
    env = Env(eager=False)
    settings = ConsoleSettings(
        secret_key=env.str("CONSOLE_SECRET_KEY", validate=Length(min=32)),
        registry_url=env.str("REGISTRY_URL", "http://127.0.0.1:8001").rstrip("/"),
        messaging_url=env.str("MESSAGING_URL", "http://127.0.0.1:8002").rstrip("/"),
        consent_url=env.str("CONSENT_URL", "http://127.0.0.1:8003").rstrip("/"),
        secure_cookies=env.bool("CONSOLE_SECURE_COOKIES", True),
        session_hours=env.int("CONSOLE_SESSION_HOURS", 8, validate=Range(min=1, max=24)),
        api_timeout=env.float("CONSOLE_API_TIMEOUT", 15.0),
        log_level=env.str("LOG_LEVEL", "INFO").upper(),
        log_format=env.str("LOG_FORMAT", "json"),
        database_url=env.str("CONSOLE_DATABASE_URL", default_sqlite_url("console")),
        session_idle_minutes=env.int(
            "CONSOLE_SESSION_IDLE_MINUTES", 30, validate=Range(min=5, max=24 * 60)
        ),
        sign_in_per_minute=env.int("CONSOLE_SIGN_IN_PER_MINUTE", 10, validate=Range(min=1)),
        metrics_token=env.str("METRICS_TOKEN", None, validate=optional_secret) or None,
    )
    sealed(env)
    return settings

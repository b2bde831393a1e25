"""Settings read from the environment, checked at start with a message naming the variable."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from environs import Env, EnvError
from marshmallow import ValidationError
from marshmallow.validate import Range

ROOT = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("TRIALREACH_VAR_DIR", ROOT / "var"))


class ConfigError(SystemExit):
    """Raised when a variable is missing or malformed; exits with a readable message."""


def sealed(env: Env) -> None:
    """Raise ConfigError naming every bad variable at once (env must be Env(eager=False))."""
    try:
        env.seal()
    except EnvError as exc:
        raise ConfigError(f"Configuration error: {exc}") from exc


def default_sqlite_url(service: str) -> str:
    return f"sqlite:///{VAR_DIR / (service + '.sqlite3')}"


@dataclass(frozen=True)
class BusSettings:
    broker_url: str
    namespace: str  # the exchange name and queue prefix; tests use their own
    data_dir: Path
    retry_delays: tuple[float, ...]
    outbox_batch_size: int
    outbox_poll_interval: float
    prefetch: int
    # seconds; kept alive by the worker and the relay even when idle (see connection.py)
    heartbeat: float = 30.0

    @property
    def is_filesystem(self) -> bool:
        return self.broker_url.startswith("filesystem")


@dataclass(frozen=True)
class CommonSettings:
    service: str
    database_url: str
    bus: BusSettings
    log_level: str
    log_format: str
    testing: bool = False
    # A bearer token Prometheus sends to read /metrics (admins' API tokens also may).
    metrics_token: str | None = None
    # How long a process remembers a valid API token (shared/auth/cache.py); 0: ask every time.
    token_cache_seconds: float = 0.0


def read_common(service: str, env: Env) -> CommonSettings:
    """Read what every service needs. Call sealed(env) after reading service-specific values."""
    prefix = service.upper() + "_"
    with env.prefixed(prefix):
        database_url = env.str("DATABASE_URL", default_sqlite_url(service))
    delays: list[float] = env.list(
        "BUS_RETRY_DELAYS",
        default=[1.0, 5.0, 30.0, 120.0, 600.0],
        subcast=float,
        validate=held_retry_delays,
    )
    bus = BusSettings(
        broker_url=env.str("BROKER_URL", "filesystem://"),
        namespace=env.str("BUS_NAMESPACE", "trialreach"),
        data_dir=env.path("BUS_DATA_DIR", VAR_DIR / "bus"),
        retry_delays=tuple(delays or ()),  # None when invalid: sealed() then names it
        outbox_batch_size=env.int("OUTBOX_BATCH_SIZE", 500, validate=Range(min=1)),
        outbox_poll_interval=env.float("OUTBOX_POLL_INTERVAL", 0.05),
        prefetch=env.int("BUS_PREFETCH", 50, validate=Range(min=1)),
        heartbeat=env.float("BUS_HEARTBEAT", 30.0, validate=Range(min=0)),
    )
    return CommonSettings(
        service=service,
        database_url=database_url,
        bus=bus,
        log_level=env.str("LOG_LEVEL", "INFO").upper(),
        log_format=env.str("LOG_FORMAT", "json"),
        metrics_token=env.str("METRICS_TOKEN", None, validate=optional_secret) or None,
        token_cache_seconds=env.float("TOKEN_CACHE_SECONDS", 5.0, validate=Range(min=0, max=60)),
    )


# RabbitMQ closes a channel that holds a delivery longer than its consumer_timeout (30 min by
# default); the worker holds a retry's message until it is due (decision 0003).
LONGEST_RETRY_DELAY = 1500.0


def held_retry_delays(delays: list[float]) -> bool:
    if any(not 0 < delay <= LONGEST_RETRY_DELAY for delay in delays):
        raise ValidationError(f"each delay must be over 0 and at most {LONGEST_RETRY_DELAY:.0f} s")
    return True


def optional_secret(value: str | None) -> bool:
    """A secret that may be unset (empty), but not short."""
    if value and len(value) < 32:
        raise ValidationError("must be at least 32 characters")
    return True

"""The sender's settings: every provider call ends well before reconciliation may look."""

from __future__ import annotations

import pytest

from services.messaging.config import load_settings
from shared.config import ConfigError

BASE = {
    "TWILIO_ACCOUNT_SID": "AC" + "0" * 32,
    "TWILIO_AUTH_TOKEN": "token",
    "TWILIO_FROM_NUMBER": "+447700900000",
}


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name, value in BASE.items():
        monkeypatch.setenv(name, value)
    return monkeypatch


def test_the_defaults_give_every_call_timeouts_below_the_reconciliation_age(
    env: pytest.MonkeyPatch,
) -> None:
    settings = load_settings()
    assert settings.connect_timeout > 0 and settings.read_timeout > 0
    assert settings.connect_timeout + settings.read_timeout < settings.reconcile_after_seconds


def test_a_reconciliation_age_within_the_call_timeouts_refuses_to_start(
    env: pytest.MonkeyPatch,
) -> None:
    env.setenv("SEND_RECONCILE_AFTER", "20")
    env.setenv("SEND_CONNECT_TIMEOUT", "5")
    env.setenv("SEND_READ_TIMEOUT", "15")
    with pytest.raises(ConfigError, match="SEND_RECONCILE_AFTER"):
        load_settings()


def test_scaled_down_timeouts_are_accepted(env: pytest.MonkeyPatch) -> None:
    env.setenv("SEND_RECONCILE_AFTER", "5")
    env.setenv("SEND_CONNECT_TIMEOUT", "1")
    env.setenv("SEND_READ_TIMEOUT", "2")
    settings = load_settings()
    assert (settings.connect_timeout, settings.read_timeout) == (1.0, 2.0)


def test_a_breaker_cap_below_its_first_cooldown_refuses_to_start(env: pytest.MonkeyPatch) -> None:
    env.setenv("SEND_BREAKER_COOLDOWN", "30")
    env.setenv("SEND_BREAKER_MAX_COOLDOWN", "10")
    with pytest.raises(ConfigError, match="SEND_BREAKER_MAX_COOLDOWN"):
        load_settings()


def test_a_movable_cascade_clock_needs_the_fake_twilio_server(env: pytest.MonkeyPatch) -> None:
    assert load_settings().cascade_clock_movable is False
    env.setenv("CASCADE_CLOCK_MOVABLE", "true")
    with pytest.raises(ConfigError, match="CASCADE_CLOCK_MOVABLE is for test systems"):
        load_settings()
    env.setenv("TWILIO_API_BASE_URL", "http://127.0.0.1:8010")
    assert load_settings().cascade_clock_movable is True

"""BUS_RETRY_DELAYS: the worker holds a retry until due, so no delay may outlast RabbitMQ's
consumer timeout (decision 0003)."""

from __future__ import annotations

import pytest
from environs import Env

from shared.config import ConfigError, read_common, sealed


def _delays(monkeypatch: pytest.MonkeyPatch, value: str) -> tuple[float, ...]:
    monkeypatch.setenv("BUS_RETRY_DELAYS", value)
    env = Env(eager=False)
    settings = read_common("registry", env)
    sealed(env)
    return settings.bus.retry_delays


def test_delays_up_to_25_minutes_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    assert _delays(monkeypatch, "0.5,60,1500") == (0.5, 60.0, 1500.0)


@pytest.mark.parametrize("value", ["1,1501", "0,5", "-1"])
def test_a_delay_past_the_consumer_timeout_or_not_positive_refuses_to_start(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    with pytest.raises(ConfigError, match=r"BUS_RETRY_DELAYS.*at most 1500 s"):
        _delays(monkeypatch, value)

"""Letter settings. Postage is one setting: the batch preview's letters, the letters' own
preview and the reports all price a letter at LETTER_POSTAGE; the retired second name is
refused. The letters credential is checked as the registry checks it."""

from __future__ import annotations

import pytest

from services.messaging.config import load_settings
from services.messaging.service_layer.letters import LetterPricing
from shared.config import ConfigError
from tests.unit.messaging.test_sender_settings import BASE


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name, value in BASE.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("LETTER_POSTAGE", raising=False)
    return monkeypatch


def test_letter_postage_prices_letters_everywhere(env: pytest.MonkeyPatch) -> None:
    env.setenv("LETTER_POSTAGE", "1.35")
    settings = load_settings()
    assert settings.prices.letter == 1.35
    assert settings.prices.cost("letter") == 1.35
    assert not hasattr(settings.letters, "postage_per_letter")
    assert LetterPricing(settings.prices.letter, settings.prices.currency).per_letter == 1.35


def test_the_default_postage_is_85p(env: pytest.MonkeyPatch) -> None:
    assert load_settings().prices.letter == 0.85


def test_the_retired_letter_price_setting_refuses_to_start(
    env: pytest.MonkeyPatch,
) -> None:
    env.setenv("LETTER_PRICE_PER_LETTER", "0.90")
    with pytest.raises(ConfigError, match="LETTER_POSTAGE"):
        load_settings()


def test_a_short_letters_credential_refuses_to_start_as_in_the_registry(
    env: pytest.MonkeyPatch,
) -> None:
    env.setenv("LETTERS_SERVICE_TOKEN", "short")
    with pytest.raises(ConfigError, match="LETTERS_SERVICE_TOKEN"):
        load_settings()
    env.setenv("LETTERS_SERVICE_TOKEN", "a-credential-long-enough")
    assert load_settings().letters.service_token == "a-credential-long-enough"

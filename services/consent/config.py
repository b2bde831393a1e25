"""Consent settings from the environment."""

from __future__ import annotations

from dataclasses import dataclass

from environs import Env
from marshmallow.validate import Length

from shared.config import CommonSettings, read_common, sealed


@dataclass(frozen=True)
class ConsentSettings:
    common: CommonSettings
    dob_hash_key: str
    public_base_url: str


def load_settings() -> ConsentSettings:
    env = Env(eager=False)
    common = read_common("consent", env)
    settings = ConsentSettings(
        common=common,
        dob_hash_key=env.str("DOB_HASH_KEY", validate=Length(min=16)),
        public_base_url=env.str("CONSENT_PUBLIC_BASE_URL", "http://127.0.0.1:8003").rstrip("/"),
    )
    sealed(env)
    return settings

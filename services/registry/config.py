"""Registry settings from the environment."""

from __future__ import annotations

from dataclasses import dataclass

from environs import Env
from marshmallow.validate import Length

from shared.config import CommonSettings, read_common, sealed


@dataclass(frozen=True)
class RegistrySettings:
    common: CommonSettings
    dob_hash_key: str


def load_settings() -> RegistrySettings:
    env = Env(eager=False)
    common = read_common("registry", env)
    dob_key = env.str("DOB_HASH_KEY", validate=Length(min=16))
    sealed(env)
    return RegistrySettings(common=common, dob_hash_key=dob_key)

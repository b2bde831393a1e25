"""Registry settings from the environment."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from environs import Env
from marshmallow.validate import Length, Range

from shared.config import VAR_DIR, CommonSettings, read_common, sealed


@dataclass(frozen=True)
class RegistrySettings:
    common: CommonSettings
    dob_hash_key: str
    # Uploaded patient lists wait here (on disk, never in memory) until imported.
    import_dir: Path = field(default_factory=lambda: VAR_DIR / "imports")
    import_max_bytes: int = 512 * 1024 * 1024
    # Messaging's credential for the addresses of letters it renders (decision 0029); unset,
    # nobody can read them.
    letters_service_token: str | None = None


def load_settings() -> RegistrySettings:
    env = Env(eager=False)
    common = read_common("registry", env)
    dob_key = env.str("DOB_HASH_KEY", validate=Length(min=16))
    import_dir = env.path("REGISTRY_IMPORT_DIR", VAR_DIR / "imports")
    import_max_mb = env.int("REGISTRY_IMPORT_MAX_MB", 512, validate=Range(min=1))
    letters_token = env.str("LETTERS_SERVICE_TOKEN", None, validate=Length(min=16))
    sealed(env)
    return RegistrySettings(
        common=common,
        dob_hash_key=dob_key,
        import_dir=import_dir,
        import_max_bytes=import_max_mb * 1024 * 1024,
        letters_service_token=letters_token or None,
    )

"""The one place that builds the registry's adapters and wires them together."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from services.registry.adapters import orm
from services.registry.config import RegistrySettings
from services.registry.entrypoints.handlers import HANDLERS
from services.registry.service_layer.unit_of_work import RegistryUnitOfWork
from shared.db.engine import make_engine, make_session_factory
from shared.runtime import Runtime

MIGRATIONS = Path(__file__).parent / "migrations"


def build_runtime(settings: RegistrySettings) -> Runtime:
    orm.start_mappers()
    engine = make_engine(settings.common.database_url)
    uow_factory = partial(
        RegistryUnitOfWork, make_session_factory(engine), orm.platform, "registry"
    )
    return Runtime(
        settings=settings.common,
        engine=engine,
        metadata=orm.metadata,
        tables=orm.platform,
        uow_factory=uow_factory,
        handlers=HANDLERS,
        migrations=MIGRATIONS,
    )

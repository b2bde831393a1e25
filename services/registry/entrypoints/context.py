"""What registry's entrypoints reach from the app, typed as registry's own (see bootstrap.py)."""

from __future__ import annotations

from collections.abc import Callable

from services.registry.config import RegistrySettings
from services.registry.service_layer.unit_of_work import SqlRegistryUnitOfWork
from shared.http.app import settings_of, unit_of_work_of, uow_factory_of


def settings() -> RegistrySettings:
    return settings_of(RegistrySettings)


def unit_of_work() -> SqlRegistryUnitOfWork:
    """A new unit of work for this request."""
    return unit_of_work_of(SqlRegistryUnitOfWork)


def uow_factory() -> Callable[[], SqlRegistryUnitOfWork]:
    """For work that outlives the request (a background job, a group commit)."""
    return uow_factory_of(SqlRegistryUnitOfWork)

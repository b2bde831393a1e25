"""What consent's entrypoints reach from the app, typed as consent's own (see bootstrap.py)."""

from __future__ import annotations

from collections.abc import Callable

from services.consent.config import ConsentSettings
from services.consent.service_layer.unit_of_work import SqlConsentUnitOfWork
from shared.http.app import settings_of, unit_of_work_of, uow_factory_of


def settings() -> ConsentSettings:
    return settings_of(ConsentSettings)


def unit_of_work() -> SqlConsentUnitOfWork:
    """A new unit of work for this request."""
    return unit_of_work_of(SqlConsentUnitOfWork)


def uow_factory() -> Callable[[], SqlConsentUnitOfWork]:
    """For work that outlives the request (a background job, a group commit)."""
    return uow_factory_of(SqlConsentUnitOfWork)

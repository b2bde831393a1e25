"""What messaging's entrypoints reach from the app, typed as messaging's own (see bootstrap.py)."""

from __future__ import annotations

from collections.abc import Callable

from services.messaging.config import MessagingSettings
from services.messaging.service_layer.unit_of_work import SqlMessagingUnitOfWork
from shared.http.app import settings_of, unit_of_work_of, uow_factory_of


def settings() -> MessagingSettings:
    return settings_of(MessagingSettings)


def unit_of_work() -> SqlMessagingUnitOfWork:
    """A new unit of work for this request."""
    return unit_of_work_of(SqlMessagingUnitOfWork)


def uow_factory() -> Callable[[], SqlMessagingUnitOfWork]:
    """For work that outlives the request (a background job, a group commit)."""
    return uow_factory_of(SqlMessagingUnitOfWork)

"""The registry's unit of work: one transaction, its repository and its outbox."""

from __future__ import annotations

from sqlalchemy.orm import Session

from services.registry.adapters.repository import RegistryRepository
from shared.db.unit_of_work import SqlUnitOfWork


class RegistryUnitOfWork(SqlUnitOfWork):
    registry: RegistryRepository

    def _start(self, session: Session) -> None:
        self.registry = RegistryRepository(session)

"""The registry's unit of work on a database: one transaction, its repositories and its outbox.

Use cases take the `RegistryUnitOfWork` port (service_layer/ports.py, decision 0026); this
is the one bootstrap builds, tests/support/fakes/registry.py the one unit tests build."""

from __future__ import annotations

from sqlalchemy.orm import Session

from services.registry.adapters.cohort_queries import CohortQueries
from services.registry.adapters.patient_store import PatientStore
from services.registry.adapters.repositories.addresses import LetterRecipients
from services.registry.adapters.repositories.tokens import ApiTokens
from services.registry.adapters.repository import RegistryRepository
from services.registry.service_layer.ports import RegistryUnitOfWork
from shared.db.unit_of_work import SqlUnitOfWork

__all__ = ["RegistryUnitOfWork", "SqlRegistryUnitOfWork"]


class SqlRegistryUnitOfWork(SqlUnitOfWork):
    registry: RegistryRepository
    patients: PatientStore
    cohorts: CohortQueries
    letters: LetterRecipients
    tokens: ApiTokens

    def _start(self, session: Session) -> None:
        self.registry = RegistryRepository(session)
        self.patients = PatientStore(session)
        self.cohorts = CohortQueries(session)
        self.letters = LetterRecipients(session)
        self.tokens = ApiTokens(self)

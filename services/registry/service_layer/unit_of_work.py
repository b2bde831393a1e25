"""The registry's unit of work: one transaction, its repositories and its outbox."""

from __future__ import annotations

from sqlalchemy.orm import Session

from services.registry.adapters.cohort_queries import CohortQueries
from services.registry.adapters.patient_store import PatientStore
from services.registry.adapters.repository import RegistryRepository
from shared.db.unit_of_work import SqlUnitOfWork


class RegistryUnitOfWork(SqlUnitOfWork):
    registry: RegistryRepository
    patients: PatientStore
    cohorts: CohortQueries

    def _start(self, session: Session) -> None:
        self.registry = RegistryRepository(session)
        self.patients = PatientStore(session)
        self.cohorts = CohortQueries(session)

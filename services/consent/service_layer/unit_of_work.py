"""Consent's unit of work."""

from __future__ import annotations

from sqlalchemy.orm import Session

from services.consent.adapters.repository import ConsentRepository
from shared.db.unit_of_work import SqlUnitOfWork


class ConsentUnitOfWork(SqlUnitOfWork):
    consent: ConsentRepository

    def _start(self, session: Session) -> None:
        self.consent = ConsentRepository(session)

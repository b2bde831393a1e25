"""Consent's unit of work, and the link maker use cases need to text a consent link."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from services.consent.adapters.repository import ConsentRepository
from services.consent.domain.links import LinkSigner
from shared.db.tables import PlatformTables
from shared.db.unit_of_work import SqlUnitOfWork


@dataclass(frozen=True)
class LinkMaker:
    signer: LinkSigner
    base_url: str

    def url(self, link_id: uuid.UUID) -> str:
        return f"{self.base_url}/c/{self.signer.token(link_id)}"


class ConsentUnitOfWork(SqlUnitOfWork):
    consent: ConsentRepository

    def __init__(
        self,
        session_factory: sessionmaker[Session],
        tables: PlatformTables,
        producer: str,
        links: LinkMaker,
    ) -> None:
        super().__init__(session_factory, tables, producer)
        self.links = links

    def _start(self, session: Session) -> None:
        self.consent = ConsentRepository(session)

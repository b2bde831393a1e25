"""Consent's unit of work on a database (one repository per aggregate on one session), and
the link maker use cases need to text a consent link.

Use cases take the `ConsentUnitOfWork` port (service_layer/ports.py, decision 0026); this
is the one bootstrap builds, tests/support/fakes/consent.py the one unit tests build."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from services.consent.adapters.repositories.audit import AuditRepository
from services.consent.adapters.repositories.confirmation import ConfirmationRepository
from services.consent.adapters.repositories.forms import FormRepository
from services.consent.adapters.repositories.letter_links import LetterLinks
from services.consent.adapters.repositories.links import LinkRepository
from services.consent.adapters.repositories.participants import ParticipantRepository
from services.consent.adapters.repositories.records import RecordRepository
from services.consent.adapters.repositories.reporting import ReportingRepository
from services.consent.adapters.repositories.responses import ResponseRepository
from services.consent.adapters.repositories.signatures import SignatureRepository
from services.consent.adapters.repositories.trials import TrialRepository
from services.consent.adapters.repositories.understanding import UnderstandingRepository
from services.consent.domain.links import LinkSigner
from services.consent.service_layer.ports import ConsentUnitOfWork
from shared.db.tables import PlatformTables
from shared.db.unit_of_work import SqlUnitOfWork

__all__ = ["ConsentUnitOfWork", "LinkMaker", "SqlConsentUnitOfWork"]


@dataclass(frozen=True)
class LinkMaker:
    signer: LinkSigner
    base_url: str

    def url(self, link_id: uuid.UUID) -> str:
        return f"{self.base_url}/c/{self.signer.token(link_id)}"

    def copy_url(self, copy_link_id: uuid.UUID) -> str:
        """A signed copy's own short-lived link (purpose "copy": it opens nothing else)."""
        return f"{self.base_url}/copy/{self.signer.token(copy_link_id, b'copy')}"

    def short_url(self, reference: str) -> str:
        """A letter's link to type (domain/letter_links.py)."""
        return f"{self.base_url}/l/{reference}"


class SqlConsentUnitOfWork(SqlUnitOfWork):
    participants: ParticipantRepository
    trials: TrialRepository
    records: RecordRepository
    audit: AuditRepository
    forms: FormRepository
    consent_links: LinkRepository
    responses: ResponseRepository
    understanding: UnderstandingRepository
    reporting: ReportingRepository
    signatures: SignatureRepository
    letter_links: LetterLinks
    confirmation: ConfirmationRepository

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
        self.participants = ParticipantRepository(session)
        self.trials = TrialRepository(session)
        self.records = RecordRepository(session)
        self.audit = AuditRepository(session)
        self.forms = FormRepository(session)
        self.consent_links = LinkRepository(session)
        self.responses = ResponseRepository(session)
        self.understanding = UnderstandingRepository(session)
        self.reporting = ReportingRepository(session)
        self.signatures = SignatureRepository(session)
        self.letter_links = LetterLinks(session)
        self.confirmation = ConfirmationRepository(session)

"""Finding a letter's link by the short reference printed on it (domain/letter_links.py)."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.consent.adapters.orm import consent_links
from services.consent.domain.links import ConsentLink


class LetterLinks:
    def __init__(self, session: Session) -> None:
        self.session = session

    def by_id_range(self, low: uuid.UUID, high: uuid.UUID) -> ConsentLink | None:
        """The live link whose id lies in the range (the newest, should two ever share it)."""
        query = (
            select(ConsentLink)
            .where(
                consent_links.c.id.between(low, high),
                consent_links.c.revoked_at.is_(None),
            )
            .order_by(consent_links.c.created_at.desc())
            .limit(1)
        )
        return self.session.scalars(query).first()

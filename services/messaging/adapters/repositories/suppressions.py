"""The STOP list: numbers no text goes to."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.messaging.adapters.orm import suppressions
from services.messaging.domain.model import Suppression


class SuppressionRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, suppression: Suppression) -> None:
        self.session.add(suppression)

    def suppressed_among(self, mobiles: Sequence[str]) -> set[str]:
        if not mobiles:
            return set()
        query = select(suppressions.c.mobile).where(suppressions.c.mobile.in_(set(mobiles)))
        return set(self.session.scalars(query))

    def suppression(self, mobile: str) -> Suppression | None:
        return self.session.get(Suppression, mobile)

    def remove_suppression(self, mobile: str) -> None:
        found = self.suppression(mobile)
        if found is not None:
            self.session.delete(found)

"""Consent responses: each answer given on a form version, kept as given."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.consent.adapters.orm import consent_responses
from services.consent.domain.responses import ConsentResponse

_resp = consent_responses.c


class ResponseRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, response: ConsentResponse) -> None:
        self.session.add(response)

    def responses(self, record_id: uuid.UUID) -> Sequence[ConsentResponse]:
        query = select(ConsentResponse).where(_resp.record_id == record_id).order_by(_resp.at)
        return self.session.scalars(query).all()

    def latest_agreement(self, record_id: uuid.UUID) -> ConsentResponse | None:
        query = (
            select(ConsentResponse)
            .where(_resp.record_id == record_id, _resp.decision == "agreed")
            .order_by(_resp.at.desc())
            .limit(1)
        )
        return self.session.scalars(query).first()

    def latest_answers(self, record_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, ConsentResponse]:
        """Each record's newest answer (agreed or declined), for exports."""
        query = (
            select(ConsentResponse)
            .where(_resp.record_id.in_(record_ids))
            .order_by(_resp.record_id, _resp.at)
        )
        # Ordered by time: a later answer to the same record replaces an earlier one.
        return {response.record_id: response for response in self.session.scalars(query)}

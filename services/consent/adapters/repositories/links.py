"""Consent links: the one-use addresses texted to participants."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.consent.adapters.orm import consent_links, consent_records, participants
from services.consent.domain.lifecycle import ConsentRecord
from services.consent.domain.links import ConsentLink
from services.consent.domain.participant import ParticipantBands

_r = consent_records.c
_l = consent_links.c
_p = participants.c


class LinkRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, link: ConsentLink) -> None:
        self.session.add(link)

    def link(self, link_id: uuid.UUID, *, lock: bool = False) -> ConsentLink | None:
        if not lock:
            return self.session.get(ConsentLink, link_id)
        query = select(ConsentLink).where(_l.id == link_id).with_for_update()
        return self.session.scalars(query).first()

    def live_links(self, participant_id: uuid.UUID, trial_id: uuid.UUID) -> Sequence[ConsentLink]:
        query = select(ConsentLink).where(
            _l.participant_id == participant_id,
            _l.trial_id == trial_id,
            _l.revoked_at.is_(None),
        )
        return self.session.scalars(query).all()

    def link_with_record(
        self, link_id: uuid.UUID
    ) -> tuple[ConsentLink, ConsentRecord, ParticipantBands | None] | None:
        """What the consent page needs about a link, in one round trip."""
        query = (
            select(ConsentLink, ConsentRecord, ParticipantBands)
            .join(
                consent_records,
                (_r.participant_id == _l.participant_id) & (_r.trial_id == _l.trial_id),
            )
            .outerjoin(participants, _p.participant_id == _l.participant_id)
            .where(_l.id == link_id)
        )
        row = self.session.execute(query).first()
        return (row[0], row[1], row[2]) if row else None

"""Participants' bands, as the registry announced them (no contact details)."""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from services.consent.domain.participant import ParticipantBands


class ParticipantRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, participant: ParticipantBands) -> None:
        self.session.add(participant)

    def participant(self, participant_id: uuid.UUID) -> ParticipantBands | None:
        return self.session.get(ParticipantBands, participant_id)

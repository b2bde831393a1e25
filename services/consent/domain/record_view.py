"""Everything a coordinator's or researcher's view of one record shows, as read together."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from services.consent.domain.audit import AuditEntry
from services.consent.domain.lifecycle import ConsentRecord
from services.consent.domain.participant import ParticipantBands
from services.consent.domain.responses import ConsentResponse
from services.consent.domain.understanding import UnderstandingAnswer


@dataclass(frozen=True)
class RecordParts:
    record: ConsentRecord
    participant: ParticipantBands | None
    history: Sequence[AuditEntry]  # by seq
    responses: Sequence[ConsentResponse]  # in time order
    understanding: Sequence[UnderstandingAnswer]  # every answer, in time order

"""Who a letter goes to: names and postal addresses, read for messaging at render time only."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.registry.adapters.orm import participants, practices
from services.registry.domain.postal import LetterRecipient

p = participants


class LetterRecipients:
    def __init__(self, session: Session) -> None:
        self.session = session

    def recipients(self, participant_ids: Sequence[uuid.UUID]) -> list[LetterRecipient]:
        """Name, address and large-print wish of each of these with an address; their
        practice's name for the letterhead. Patients without an address are left out."""
        if not participant_ids:
            return []
        query = (
            select(
                p.c.id,
                p.c.given_name,
                p.c.family_name,
                p.c.address_line_1,
                p.c.address_line_2,
                p.c.address_line_3,
                p.c.town,
                p.c.postcode,
                p.c.large_print,
                p.c.practice_ods,
                practices.c.name,
            )
            .join(practices, practices.c.ods_code == p.c.practice_ods)
            .where(p.c.id.in_(list(participant_ids)), p.c.postcode.is_not(None))
        )
        return [
            LetterRecipient.of(
                row.id,
                f"{row.given_name} {row.family_name}",
                (
                    row.address_line_1,
                    row.address_line_2,
                    row.address_line_3,
                    row.town,
                    row.postcode,
                ),
                bool(row.large_print),
                row.practice_ods,
                row.name,
            )
            for row in self.session.execute(query)
        ]

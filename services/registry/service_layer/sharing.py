"""When messaging and consent hear of a participant.

Not on registration: a practice list holds thousands of patients who are never invited,
and their phone numbers have no business outside the registry. A participant is shared
(`registry.participant.registered`) in the transaction that first invites them, just
before the invitation itself, so both arrive in order. From then on every change is
announced (`registry.participant.updated`).
See docs/decisions/0009-share-participants-on-first-invitation.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from services.registry.domain.model import Participant
from services.registry.service_layer.unit_of_work import RegistryUnitOfWork
from shared import clock
from shared.dob import keyed_dob_hash


def shared_view(
    participant: Participant, dob_key: str, today: date | None = None
) -> dict[str, object]:
    today = today or clock.now().date()
    return participant.shared_view(keyed_dob_hash(dob_key, participant.date_of_birth), today)


def announce_update(uow: RegistryUnitOfWork, participant: Participant, dob_key: str) -> None:
    if participant.shared_at is not None:
        uow.publish("registry.participant.updated", shared_view(participant, dob_key))


def share(uow: RegistryUnitOfWork, participants: Sequence[Participant], dob_key: str) -> None:
    """Announce whoever among these the others do not know yet."""
    today = clock.now().date()
    new = [p for p in participants if p.shared_at is None]
    for participant in new:
        uow.publish("registry.participant.registered", shared_view(participant, dob_key, today))
    # One UPDATE for all of them rather than one per participant.
    uow.cohorts.mark_shared([p.id for p in new], clock.now())

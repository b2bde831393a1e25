"""The pseudonym and bands consent keeps per participant, and what erasure removes."""

from __future__ import annotations

import uuid
from typing import Any

from services.consent.domain.participant import ParticipantBands
from services.consent.service_layer.unit_of_work import ConsentUnitOfWork

KEPT = (
    "practice_ods",
    "language",
    "sex",
    "age_band",
    "ethnic_category",
    "imd_decile",
    "imd_edition",
    "dob_hash",
)


def save_participant(uow: ConsentUnitOfWork, data: dict[str, Any]) -> None:
    """Keep the bands; the mobile number in the event is not ours to keep."""
    with uow:
        participant = uow.consent.participant(data["participant_id"])
        if participant is None:
            participant = ParticipantBands(
                data["participant_id"], data["practice_ods"], data["language"]
            )
            uow.consent.add(participant)
        if not participant.erased:
            for name in KEPT:
                setattr(participant, name, data[name])
        uow.commit()


def erase_participant(uow: ConsentUnitOfWork, participant_id: uuid.UUID) -> None:
    """Drop the bands and the date-of-birth hash; the audit chain holds nothing personal."""
    with uow:
        participant = uow.consent.participant(participant_id)
        if participant is None:
            participant = ParticipantBands(participant_id, "", "")
            uow.consent.add(participant)
        for name in KEPT[2:]:
            setattr(participant, name, None)
        participant.erased = True
        uow.commit()


def save_trial(uow: ConsentUnitOfWork, data: dict[str, Any]) -> None:
    with uow:
        uow.consent.save_trial(
            data["trial_id"], data["short_name"], data["title"], data["response_deadline_days"]
        )
        uow.commit()


def save_population(uow: ConsentUnitOfWork, data: dict[str, Any]) -> None:
    """The registry's counts of a practice's list or a trial's eligible cohort, by band."""
    with uow:
        uow.consent.replace_population(
            data["population"],
            data["practice_ods"],
            data["trial_id"],
            data["counted_at"],
            data["counts"],
        )
        uow.commit()

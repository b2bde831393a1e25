"""The pseudonym and bands consent keeps per participant, and what erasure removes."""

from __future__ import annotations

import uuid

from services.consent.domain.participant import ParticipantBands
from services.consent.service_layer.unit_of_work import ConsentUnitOfWork
from shared.events.commands import ParticipantShared, PopulationCounted, TrialCreated

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


def save_participant(uow: ConsentUnitOfWork, shared: ParticipantShared) -> None:
    """Keep the bands; the mobile number in the event is not ours to keep."""
    with uow:
        participant = uow.participants.participant(shared.participant_id)
        if participant is None:
            participant = ParticipantBands(
                shared.participant_id, shared.practice_ods, shared.language
            )
            uow.participants.add(participant)
        if not participant.erased:
            for name in KEPT:
                setattr(participant, name, getattr(shared, name))
        uow.commit()


def erase_participant(uow: ConsentUnitOfWork, participant_id: uuid.UUID) -> None:
    """Drop the bands, the date-of-birth hash, signatures and which channels reached them
    (reach by channel); the audit chain holds nothing personal."""
    with uow:
        participant = uow.participants.participant(participant_id)
        if participant is None:
            participant = ParticipantBands(participant_id, "", "")
            uow.participants.add(participant)
        for name in KEPT[2:]:
            setattr(participant, name, None)
        participant.erased = True
        for record in uow.records.records_of(participant_id):
            uow.signatures.erase(record.id)  # the chain keeps only the salted hash
        uow.reporting.forget_contacts(participant_id)
        uow.commit()


def save_trial(uow: ConsentUnitOfWork, created: TrialCreated) -> None:
    with uow:
        uow.trials.save_trial(
            created.trial_id, created.short_name, created.title, created.response_deadline_days
        )
        uow.commit()


def save_population(uow: ConsentUnitOfWork, counted: PopulationCounted) -> None:
    """The registry's counts of a practice's list or a trial's eligible cohort, by band."""
    with uow:
        uow.reporting.replace_population(
            counted.population,
            counted.practice_ods,
            counted.trial_id,
            counted.counted_at,
            {band: dict(values) for band, values in counted.counts.items()},
        )
        uow.commit()

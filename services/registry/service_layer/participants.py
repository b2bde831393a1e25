"""Use cases for participants: register (or update by NHS number), read, list."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from services.registry.domain import identifiers
from services.registry.domain.model import Participant, TrialStatus
from services.registry.service_layer.unit_of_work import RegistryUnitOfWork
from shared.auth.principal import Principal
from shared.dob import keyed_dob_hash
from shared.errors import Conflict, InvalidInput, NotFound


@dataclass(frozen=True)
class ParticipantDetails:
    practice_ods: str
    nhs_number: str
    given_name: str
    family_name: str
    date_of_birth: str | date
    language: str
    mobile: str | None = None
    sex: str | None = None
    interpreter_needed: bool = False
    ethnic_category: str | None = None
    imd_decile: int | None = None
    imd_edition: int | None = None


def register_participant(
    uow: RegistryUnitOfWork, principal: Principal, details: ParticipantDetails, dob_key: str
) -> tuple[Participant, bool]:
    """Create the participant, or update the one with this NHS number. Returns (it, created)."""
    today = datetime.now(UTC).date()
    practice_ods = identifiers.parse_ods_code(details.practice_ods, "practice_ods")
    principal.require_practice(practice_ods)
    nhs_number = identifiers.parse_nhs_number(details.nhs_number)
    dob = identifiers.parse_date_of_birth(details.date_of_birth, today)
    mobile, textable = identifiers.parse_mobile(details.mobile)
    with uow:
        if uow.registry.practice(practice_ods) is None:
            raise InvalidInput.for_field("practice_ods", f"no practice {practice_ods}")
        participant = uow.registry.participant_by_nhs_number(nhs_number)
        created = participant is None
        if participant is None:
            participant = Participant(
                practice_ods=practice_ods,
                nhs_number=nhs_number,
                given_name=details.given_name,
                family_name=details.family_name,
                date_of_birth=dob,
                language=details.language,
            )
            uow.registry.add(participant)
        elif not principal.may_see_practice(participant.practice_ods):
            # Say no more than that: which practice holds this patient is not theirs to know.
            raise Conflict(
                "this NHS number is registered at another practice; an admin can move it"
            )
        participant.practice_ods = practice_ods
        participant.given_name = details.given_name.strip()
        participant.family_name = details.family_name.strip()
        participant.date_of_birth = dob
        participant.language = details.language
        participant.mobile, participant.textable = mobile, textable
        participant.sex = details.sex
        participant.interpreter_needed = details.interpreter_needed
        participant.ethnic_category = details.ethnic_category
        participant.imd_decile = details.imd_decile
        participant.imd_edition = details.imd_edition
        participant.updated_at = datetime.now(UTC)
        uow.publish(
            "registry.participant.registered" if created else "registry.participant.updated",
            participant.shared_view(keyed_dob_hash(dob_key, dob), today),
        )
        uow.commit()
    return participant, created


def get_participant(
    uow: RegistryUnitOfWork, principal: Principal, participant_id: uuid.UUID
) -> tuple[Participant, Sequence[TrialStatus]]:
    with uow:
        participant = uow.registry.participant(participant_id)
        # Same answer for "absent" and "not yours": a scope must not leak existence.
        if participant is None or not principal.may_see_practice(participant.practice_ods):
            raise NotFound(f"no participant {participant_id}")
        return participant, uow.registry.trial_statuses_of(participant_id)


def list_participants(
    uow: RegistryUnitOfWork,
    principal: Principal,
    practice_ods: str | None,
    after: uuid.UUID | None,
    limit: int,
) -> Sequence[Participant]:
    if practice_ods is not None:
        principal.require_practice(practice_ods)
        scope: list[str] | None = [practice_ods]
    else:
        scope = None if principal.is_admin else sorted(principal.practices)
    with uow:
        return uow.registry.list_participants(scope, after, limit)

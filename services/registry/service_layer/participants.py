"""Use cases for participants: register (or update by NHS number), read, list, correct, erase.

Messaging and consent hear of a participant only once they are first invited (see
service_layer/sharing.py); after that every change, and the erasure, is announced.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, NoReturn

from services.registry.domain import identifiers
from services.registry.domain.channels import parse_preferred_channel
from services.registry.domain.filters import ParticipantFilter
from services.registry.domain.model import Participant, TrialStatus
from services.registry.service_layer.sharing import announce_update
from services.registry.service_layer.unit_of_work import RegistryUnitOfWork
from shared import clock, languages
from shared.auth.principal import Principal
from shared.errors import Conflict, InvalidInput
from shared.logs import get_logger

log = get_logger(__name__)


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
    preferred_channel: str | None = None


def register_participant(
    uow: RegistryUnitOfWork, principal: Principal, details: ParticipantDetails, dob_key: str
) -> tuple[Participant, bool]:
    """Create the participant, or update the one with this NHS number. Returns (it, created)."""
    today = clock.now().date()
    language = _language(details.language)
    practice_ods = identifiers.parse_ods_code(details.practice_ods, "practice_ods")
    principal.require_practice(practice_ods)
    nhs_number = identifiers.parse_nhs_number(details.nhs_number)
    dob = identifiers.parse_date_of_birth(details.date_of_birth, today)
    mobile, textable = identifiers.parse_mobile(details.mobile)
    channel = parse_preferred_channel(details.preferred_channel)
    with uow:
        if uow.registry.practice(practice_ods) is None:
            raise InvalidInput.for_field("practice_ods", f"no practice {practice_ods}")
        if uow.registry.erased_among([identifiers.erasure_key(dob_key, nhs_number)]):
            _refuse(principal, practice_ods, "erased")
        participant = uow.registry.participant_by_nhs_number(nhs_number)
        created = participant is None
        if participant is None:
            participant = Participant(
                practice_ods=practice_ods,
                nhs_number=nhs_number,
                given_name=details.given_name,
                family_name=details.family_name,
                date_of_birth=dob,
                language=language,
            )
            uow.registry.add(participant)
        elif not principal.may_see_practice(participant.practice_ods):
            _refuse(principal, practice_ods, "registered_elsewhere")
        participant.practice_ods = practice_ods
        participant.given_name = details.given_name.strip()
        participant.family_name = details.family_name.strip()
        participant.date_of_birth = dob
        participant.language = language
        _keep_stop(uow, participant, mobile)
        participant.mobile, participant.textable = mobile, textable
        participant.sex = details.sex
        participant.interpreter_needed = details.interpreter_needed
        participant.ethnic_category = details.ethnic_category
        participant.imd_decile = details.imd_decile
        participant.imd_edition = details.imd_edition
        participant.preferred_channel = channel
        participant.updated_at = clock.now()
        announce_update(uow, participant, dob_key)
        uow.commit()
    return participant, created


def _keep_stop(uow: RegistryUnitOfWork, participant: Participant, mobile: str | None) -> None:
    """A STOP belongs to the number: a patient given a number whose STOP we heard of is
    opted out too (and the answer says so), until a START from the number lifts it."""
    if mobile and mobile != participant.mobile and uow.registry.mobile_opted_out(mobile):
        participant.opted_out = True


def _refuse(principal: Principal, practice_ods: str, reason: str) -> NoReturn:
    """The caller hears the one neutral answer; the real reason is logged for support,
    without the NHS number."""
    log.info("registration_refused", reason=reason, practice_ods=practice_ods, by=principal.name)
    raise Conflict(identifiers.NOT_REGISTRABLE)


def _language(raw: str, field: str = "language") -> str:
    found = languages.parse_language(raw)
    if found is None:
        raise InvalidInput.for_field(field, f"{raw[:40]!r} is not a language we know")
    return found.code


def visible_participant(
    uow: RegistryUnitOfWork, principal: Principal, participant_id: uuid.UUID
) -> Participant:
    return principal.visible_at_practice(
        uow.registry.participant(participant_id), f"no participant {participant_id}"
    )


@dataclass(frozen=True)
class Correction:
    """Contact details and language staff may correct; None leaves a field as it is."""

    mobile: str | None = None
    clear_mobile: bool = False
    language: str | None = None
    interpreter_needed: bool | None = None
    preferred_channel: str | None = None
    clear_preferred_channel: bool = False


def correct_participant(
    uow: RegistryUnitOfWork,
    principal: Principal,
    participant_id: uuid.UUID,
    correction: Correction,
    dob_key: str,
) -> Participant:
    language = _language(correction.language) if correction.language is not None else None
    mobile = identifiers.parse_mobile(correction.mobile) if correction.mobile is not None else None
    channel = parse_preferred_channel(correction.preferred_channel)
    with uow:
        participant = visible_participant(uow, principal, participant_id)
        if correction.clear_mobile:
            participant.mobile, participant.textable = None, False
        elif mobile is not None:
            _keep_stop(uow, participant, mobile[0])
            participant.mobile, participant.textable = mobile
        if language is not None:
            participant.language = language
        if correction.interpreter_needed is not None:
            participant.interpreter_needed = correction.interpreter_needed
        if channel is not None or correction.clear_preferred_channel:
            participant.preferred_channel = channel
        participant.updated_at = clock.now()
        announce_update(uow, participant, dob_key)
        uow.commit()
    return participant


def erase_participant(
    uow: RegistryUnitOfWork, principal: Principal, participant_id: uuid.UUID, key: str
) -> None:
    """Delete everything the registry holds on them and tell the others to do the same.

    A keyed hash of the NHS number stays, so the next import of the practice's list
    leaves them out instead of bringing them back.
    """
    with uow:
        participant = visible_participant(uow, principal, participant_id)
        uow.registry.add_erasure(identifiers.erasure_key(key, participant.nhs_number), clock.now())
        uow.registry.delete_participant(participant)
        # Always announced: an invitation may be on its way to the others right now.
        uow.publish("registry.participant.erased", {"participant_id": participant_id})
        uow.commit()


def get_participant(
    uow: RegistryUnitOfWork, principal: Principal, participant_id: uuid.UUID
) -> tuple[Participant, Sequence[TrialStatus]]:
    with uow:
        participant = visible_participant(uow, principal, participant_id)
        return participant, uow.registry.trial_statuses_of(participant_id)


@dataclass(frozen=True)
class Search:
    practice_ods: str | None = None
    q: str | None = None  # an NHS number, a mobile, or the start of given or family names
    language: str | None = None
    ethnic_category: str | None = None
    textable: bool | None = None
    opted_out: bool | None = None
    trial_id: uuid.UUID | None = None
    trial_status: str | None = None  # or "not_invited"
    sort: str | None = None  # name, date_of_birth, added; "-" first for the reverse


@dataclass(frozen=True)
class Page:
    items: list[tuple[Participant, list[TrialStatus]]]
    more: bool  # another page follows
    total: int  # every participant the search matches, on every page


def list_participants(
    uow: RegistryUnitOfWork,
    principal: Principal,
    search: Search,
    after: uuid.UUID | None,
    limit: int,
    offset: int = 0,
) -> Page:
    """A page of participants, each with its status in every trial (staff see both on one
    page): in id order after a cursor, or in `search.sort` order from `offset`."""
    if search.practice_ods is not None:
        principal.require_practice(search.practice_ods)
        scope: list[str] | None = [search.practice_ods]
    else:
        # Whatever else is asked, staff only ever see their own practices.
        scope = None if principal.is_admin else sorted(principal.practices)
    language = search.language
    # Staff look for the patients whose list did not say their language, to ask them.
    if language is not None and language != languages.UNKNOWN:
        language = _language(language)
    found = ParticipantFilter(
        practices=scope,
        language=language,
        ethnic_category=search.ethnic_category,
        textable=search.textable,
        opted_out=search.opted_out,
        trial_id=search.trial_id,
        trial_status=search.trial_status,
        **_what_was_typed(search.q or ""),
    )
    with uow:
        page = uow.registry.list_participants(found, after, limit + 1, search.sort, offset)
        total = uow.registry.count_participants(found)
        shown = page[:limit]
        statuses: dict[uuid.UUID, list[TrialStatus]] = {p.id: [] for p in shown}
        for status in uow.registry.trial_statuses_of_many(list(statuses)):
            statuses[status.participant_id].append(status)
        return Page([(p, statuses[p.id]) for p in shown], len(page) > limit, total)


def _what_was_typed(q: str) -> dict[str, Any]:
    """Staff type one search box: an NHS number (with or without spaces), a mobile (07..., or
    +44...), or names ("jade", "Campbell, Jade", "jade camp")."""
    text = q.strip()
    if not text:
        return {}
    compact = re.sub(r"[\s\-()]", "", text)
    if compact.isdigit() and len(compact) == 10:
        return {"nhs_number": identifiers.parse_nhs_number(compact, "q")}
    if re.fullmatch(r"\+?\d{7,15}", compact):
        mobile, _ = identifiers.parse_mobile(compact, "q")
        return {"mobile": mobile}
    if any(c.isdigit() for c in text):
        raise InvalidInput.for_field(
            "q", "Enter a name, a 10-digit NHS number or a mobile number, not a mix"
        )
    return {"name_words": tuple(w for w in re.split(r"[\s,]+", text) if w)}

"""Postal addresses: staff read and correct them; messaging reads them for a letter being sent.

An address never goes on the bus: the other services hear only whether a letter can reach a
patient (`postal`) and whether in large print. Messaging asks for the addresses of the letters
it is rendering, with the letters' own service credential (decision 0029).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from services.registry.domain import postal
from services.registry.domain.model import Participant
from services.registry.domain.postal import LetterRecipient
from services.registry.service_layer.participants import visible_participant
from services.registry.service_layer.sharing import announce_update
from services.registry.service_layer.unit_of_work import RegistryUnitOfWork
from shared import clock
from shared.auth.principal import Principal
from shared.logs import get_logger

log = get_logger(__name__)
MAX_RECIPIENTS = 1000


@dataclass(frozen=True)
class AddressView:
    """A patient's address as staff see it (the API's AddressOut)."""

    participant_id: uuid.UUID
    address_line_1: str | None
    address_line_2: str | None
    address_line_3: str | None
    town: str | None
    postcode: str | None
    large_print: bool


def view(participant: Participant) -> AddressView:
    return AddressView(
        participant_id=participant.id,
        address_line_1=participant.address_line_1,
        address_line_2=participant.address_line_2,
        address_line_3=participant.address_line_3,
        town=participant.town,
        postcode=participant.postcode,
        large_print=participant.large_print,
    )


def address_of(
    uow: RegistryUnitOfWork, principal: Principal, participant_id: uuid.UUID
) -> AddressView:
    with uow:
        return view(visible_participant(uow, principal, participant_id))


def set_address(
    uow: RegistryUnitOfWork,
    principal: Principal,
    participant_id: uuid.UUID,
    values: dict[str, str | None],
    large_print: bool,
    dob_key: str,
) -> AddressView:
    """Staff correct the address (all blank removes it) and the large-print wish."""
    address = postal.parse_address(values)
    with uow:
        participant = visible_participant(uow, principal, participant_id)
        found: tuple[str | None, ...] = (None, None, None, None, None)
        if address is not None:
            found = (address.line_1, address.line_2, address.line_3, address.town, address.postcode)
        (
            participant.address_line_1,
            participant.address_line_2,
            participant.address_line_3,
            participant.town,
            participant.postcode,
        ) = found
        participant.large_print = large_print
        participant.updated_at = clock.now()
        announce_update(uow, participant, dob_key)  # postal and large_print, never the address
        uow.commit()
        log.info("address_set", participant_id=str(participant_id), by=principal.name)
        return view(participant)


def letter_recipients(
    uow: RegistryUnitOfWork, participant_ids: Sequence[uuid.UUID]
) -> list[LetterRecipient]:
    """For messaging's letters only (the caller proved it holds the service credential)."""
    with uow:
        found = uow.letters.recipients(list(participant_ids)[:MAX_RECIPIENTS])
    log.info("letter_addresses_read", asked=len(participant_ids), found=len(found))
    return found

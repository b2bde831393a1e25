"""Read-only views for staff."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import replace

from services.messaging.domain.model import Message
from services.messaging.service_layer.unit_of_work import MessagingUnitOfWork
from shared.auth.principal import Principal
from shared.link_tokens import mask_tokens


def messages_for(
    uow: MessagingUnitOfWork, principal: Principal, participant_id: uuid.UUID
) -> Sequence[Message]:
    with uow:
        principal.visible_at_practice(
            uow.contacts.contact(participant_id), f"no participant {participant_id}"
        )
        found = uow.messages.messages_for(participant_id)
        # Not yet sent, a consent link is live in the stored body: never shown, as after.
        return [replace(m, body=mask_tokens(m.body)) for m in found]

"""Turning the registry's invitation requests into queued messages."""

from __future__ import annotations

from typing import Any

from services.messaging.domain.model import PRIORITY_BULK, Message
from services.messaging.domain.texts import invitation_text
from services.messaging.service_layer.outbound import queue_message
from services.messaging.service_layer.unit_of_work import MessagingUnitOfWork


class NotYetKnown(Exception):
    """An event this one depends on has not been handled yet; the bus retries later."""


def queue_invitations(uow: MessagingUnitOfWork, data: dict[str, Any]) -> int:
    with uow:
        trial = uow.messaging.trial(data["trial_id"])
        if trial is None:
            raise NotYetKnown(f"trial {data['trial_id']} not known yet")
        text = invitation_text(*trial)
        queued = 0
        for participant_id in data["participant_ids"]:
            contact = uow.messaging.contact(participant_id)
            if contact is None:
                raise NotYetKnown(f"participant {participant_id} not known yet")
            if contact.erased or not contact.mobile:
                continue
            message = Message(
                participant_id=participant_id,
                to=contact.mobile,
                body=text,
                kind="invitation",
                priority=PRIORITY_BULK,
                trial_id=data["trial_id"],
                batch_id=data["batch_id"],
            )
            queue_message(uow, message)
            queued += 1
        uow.commit()
    return queued

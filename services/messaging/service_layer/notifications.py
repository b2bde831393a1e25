"""Texts consent asks for: the consent link, the confirmation, the withdrawal receipt."""

from __future__ import annotations

from typing import Any

from services.messaging.domain.model import PRIORITY_NOTIFICATION, Message
from services.messaging.domain.texts import consent_notification_text
from services.messaging.service_layer.invitations import NotYetKnown
from services.messaging.service_layer.outbound import queue_message
from services.messaging.service_layer.unit_of_work import MessagingUnitOfWork


def send_consent_notification(uow: MessagingUnitOfWork, data: dict[str, Any]) -> bool:
    """Queue the text (the STOP list applies as to every text); False when nobody to text."""
    with uow:
        contact = uow.messaging.contact(data["participant_id"])
        if contact is None:
            raise NotYetKnown(f"participant {data['participant_id']} not known yet")
        trial = uow.messaging.trial(data["trial_id"])
        if contact.erased or not contact.mobile:
            return False
        message = Message(
            id=data["notification_id"],
            participant_id=contact.participant_id,
            to=contact.mobile,
            body=consent_notification_text(data["kind"], trial[0] if trial else None, data["link"]),
            kind=data["kind"],
            priority=PRIORITY_NOTIFICATION,
            trial_id=data["trial_id"],
        )
        queue_message(uow, message)
        uow.commit()
    return True

"""Keeping the contact details the registry shares, and forgetting them on erasure."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from services.messaging.domain.model import Contact
from services.messaging.service_layer.unit_of_work import MessagingUnitOfWork


def save_contact(uow: MessagingUnitOfWork, data: dict[str, Any]) -> None:
    """A STOP belongs to the number: someone newly known with a stopped number is opted out
    too, and every service hears so (the registry shows them as not textable)."""
    with uow:
        contact = uow.messaging.contact(data["participant_id"])
        before = contact.mobile if contact is not None else None
        if contact is None:
            contact = Contact(
                participant_id=data["participant_id"],
                practice_ods=data["practice_ods"],
                mobile=data["mobile"],
                textable=data["textable"],
                language=data["language"],
            )
            uow.messaging.add(contact)
        elif not contact.erased:
            contact.practice_ods = data["practice_ods"]
            contact.mobile = data["mobile"]
            contact.textable = data["textable"]
            contact.language = data["language"]
            contact.updated_at = datetime.now(UTC)
        mobile = contact.mobile
        if mobile and mobile != before and uow.messaging.suppression(mobile) is not None:
            uow.publish(
                "messaging.participant.opted_out",
                {"participant_id": contact.participant_id, "source": "stop_list"},
            )
        uow.commit()


def erase_contact(uow: MessagingUnitOfWork, participant_id: uuid.UUID) -> None:
    """Keep a tombstone so a late invitation for this person is skipped, not retried."""
    with uow:
        contact = uow.messaging.contact(participant_id)
        if contact is None:
            uow.messaging.add(
                Contact(
                    participant_id,
                    practice_ods="",
                    mobile=None,
                    textable=False,
                    language="",
                    erased=True,
                )
            )
        else:
            contact.mobile, contact.textable, contact.erased = None, False, True
        for message in uow.messaging.messages_for(participant_id):
            message.to, message.body = "", ""
        uow.commit()


def save_trial(uow: MessagingUnitOfWork, data: dict[str, Any]) -> None:
    with uow:
        uow.messaging.save_trial(data["trial_id"], data["short_name"], data["title"])
        uow.commit()

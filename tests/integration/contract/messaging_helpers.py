"""What the messaging contract tests share: the unit of work they are given, and
contacts, texts and records made and stored alike in the fake and the database."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from services.messaging.domain.batches import Batch
from services.messaging.domain.model import (
    PRIORITY_BULK,
    Contact,
    InboundMessage,
    Message,
    Suppression,
)
from services.messaging.domain.templates import Template
from services.messaging.service_layer.ports import MessagingUnitOfWork
from tests.support.factories import mobile

New = Callable[[], MessagingUnitOfWork]


def practice() -> str:
    return f"C{uuid.uuid4().hex[:5].upper()}"


def contact(language: str = "en", ods: str = "M85001") -> Contact:
    return Contact(uuid.uuid4(), ods, mobile(), True, language)


def text(who: Contact, kind: str = "invitation", **fields: object) -> Message:
    assert who.mobile
    values: dict[str, object] = {"priority": PRIORITY_BULK, "status": "sent", **fields}
    return Message(who.participant_id, who.mobile, f"body {uuid.uuid4()}", kind, **values)  # type: ignore[arg-type]


def add(new: New, *items: object) -> None:
    with new() as uow:
        for item in items:
            match item:
                case Contact():
                    uow.contacts.add(item)
                case Message():
                    uow.messages.add(item)
                case InboundMessage():
                    uow.replies.add(item)
                case Suppression():
                    uow.suppressions.add(item)
                case Batch():
                    uow.batches.add_batch(item)
                case Template():
                    uow.templates.add_template(item)
        uow.commit()

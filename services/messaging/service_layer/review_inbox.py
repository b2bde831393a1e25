"""Staff's review inbox: replies nobody could classify, and staff saying what one meant.

A reply read by staff then acts exactly as if the classifier had understood it
(`replies.act_on`), but for START, which asks the number to confirm.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from services.messaging.domain import replies as intents
from services.messaging.domain.model import Contact, InboundMessage
from services.messaging.service_layer.replies import START, act_on
from services.messaging.service_layer.resubscribe import ask_number_to_confirm
from services.messaging.service_layer.threads import Thread, threads
from services.messaging.service_layer.unit_of_work import MessagingUnitOfWork
from shared import clock
from shared.auth.principal import Principal
from shared.errors import Conflict, InvalidInput
from shared.logs import get_logger

log = get_logger(__name__)

# What staff may decide an unclear reply meant.
STAFF_INTENTS = (intents.YES, intents.NO, intents.STOP, intents.HELP, START, intents.CALLBACK)


@dataclass(frozen=True)
class UnclearReply:
    """A reply waiting for staff (the API's UnclearReplyOut), with its conversation."""

    id: uuid.UUID
    participant_id: uuid.UUID | None
    trial_id: uuid.UUID | None
    trial_short_name: str | None
    practice_ods: str | None
    language: str | None
    body: str
    intent: str
    channel: str
    received_at: datetime
    number_opted_out: bool
    clarification_sent: bool
    conversation: Thread


def unclear_replies(
    uow: MessagingUnitOfWork, principal: Principal, limit: int = 200
) -> list[UnclearReply]:
    """Replies waiting for staff, each with its conversation (the texts out and in of that
    patient and trial, consent link tokens masked) and whether its number is stopped now.
    Requests for a call are callback tasks, not here."""
    practices = None if principal.is_admin else principal.practices
    with uow:
        rows = uow.conversations.unclear_inbox(practices, limit)
        people = {row[0].participant_id for row in rows if row[0].participant_id}
        found = threads(uow, people)
        items = []
        for inbound, practice, short_name, stopped in rows:
            thread = found.get((inbound.participant_id, inbound.trial_id), ())
            items.append(
                UnclearReply(
                    id=inbound.id,
                    participant_id=inbound.participant_id,
                    trial_id=inbound.trial_id,
                    trial_short_name=short_name,
                    practice_ods=practice,
                    language=inbound.language,
                    body=inbound.body,
                    intent=inbound.intent,
                    channel=inbound.channel,
                    received_at=inbound.received_at,
                    number_opted_out=bool(stopped),
                    clarification_sent=any(t.kind == "unclear_ack" for t in thread),
                    conversation=thread,
                )
            )
        return items


def _reply_for_staff(
    uow: MessagingUnitOfWork, principal: Principal, inbound_id: uuid.UUID
) -> tuple[InboundMessage, Contact]:
    """The reply and its patient, if this caller's practice is that patient's."""
    inbound = uow.replies.inbound(inbound_id, lock=uow.row_locks)
    contact = (
        uow.contacts.contact(inbound.participant_id)
        if inbound is not None and inbound.participant_id
        else None
    )
    contact = principal.visible_at_practice(contact, f"no reply {inbound_id} waiting for review")
    assert inbound is not None  # its patient was found through it
    return inbound, contact


def set_intent(
    uow: MessagingUnitOfWork, principal: Principal, inbound_id: uuid.UUID, intent: str
) -> str:
    """Staff say what an unclear reply meant; it then acts like any understood reply, but
    for START: staff reading a reply as START asks the number to confirm, as a spoken
    request does (only the number's own START lifts a STOP)."""
    if intent not in STAFF_INTENTS:
        raise InvalidInput.for_field("intent", f"must be one of {', '.join(STAFF_INTENTS)}")
    with uow:
        inbound, contact = _reply_for_staff(uow, principal, inbound_id)
        if inbound.reviewed_intent is not None:
            raise Conflict(f"this reply was already read as {inbound.reviewed_intent}")
        inbound.reviewed_intent = intent
        inbound.reviewed_by, inbound.reviewed_at = principal.name, clock.now()
        if intent == START:
            if uow.suppressions.suppression(inbound.from_number) is not None:
                ask_number_to_confirm(uow, principal, contact, "read a reply as START")
        else:
            act_on(uow, inbound, contact, intent, source="staff")
        uow.commit()
    return intent


def make_callback(
    uow: MessagingUnitOfWork, principal: Principal, inbound_id: uuid.UUID, note: str | None
) -> uuid.UUID:
    """One action in the review inbox: the reply is read as "call me" and a callback task
    opens (or the patient's open one in that trial gets the request), with the note."""
    with uow:
        inbound, contact = _reply_for_staff(uow, principal, inbound_id)
        if inbound.reviewed_intent is not None:
            raise Conflict(f"this reply was already read as {inbound.reviewed_intent}")
        inbound.reviewed_intent = intents.CALLBACK
        inbound.reviewed_by, inbound.reviewed_at = principal.name, clock.now()
        task = act_on(uow, inbound, contact, intents.CALLBACK, source="staff", note=note)
        assert task is not None  # a reply with its patient always opens or joins one
        uow.commit()
    log.info("reply_made_callback", reply_id=str(inbound_id), task_id=str(task.id))
    return task.id

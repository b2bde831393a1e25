"""Inbound texts: store, understand, act (STOP at once), acknowledge, and tell the others.

Unclear replies wait in a review inbox; when staff say what one meant, it flows on
exactly as if the classifier had understood it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from services.messaging.domain import replies
from services.messaging.domain.model import (
    PRIORITY_REPLY,
    Contact,
    InboundMessage,
    Message,
)
from services.messaging.domain.texts import ACKNOWLEDGEMENTS
from services.messaging.service_layer import templates
from services.messaging.service_layer.outbound import queue_message
from services.messaging.service_layer.sending import suppress_number
from services.messaging.service_layer.unit_of_work import MessagingUnitOfWork
from shared.auth.principal import Principal
from shared.errors import Conflict, InvalidInput, NotFound

START = "start"
# What staff may decide an unclear reply meant.
STAFF_INTENTS = (replies.YES, replies.NO, replies.STOP, replies.HELP, START, replies.CALLBACK)


@dataclass(frozen=True)
class InboundSms:
    provider_sid: str
    from_number: str
    to_number: str
    body: str


def _convention(uow: MessagingUnitOfWork, invitation: Message | None) -> str:
    """How the text this person is answering asked for an answer."""
    if invitation is None or invitation.template_id is None:
        return replies.WORDS
    template = uow.messaging.template(invitation.template_id)
    return template.reply_with if template else replies.WORDS


def receive(uow: MessagingUnitOfWork, sms: InboundSms) -> str | None:
    """Returns the intent, or None when this MessageSid was handled before."""
    with uow:
        if uow.messaging.inbound_seen(sms.provider_sid):
            return None
        contact, invitation = _who_replied(uow, sms.from_number)
        language = contact.language if contact else None
        intent = replies.classify(sms.body, language, _convention(uow, invitation))
        inbound = InboundMessage(
            provider_sid=sms.provider_sid,
            from_number=sms.from_number,
            to_number=sms.to_number,
            body=sms.body,
            participant_id=contact.participant_id if contact else None,
            trial_id=invitation.trial_id if invitation else None,
            intent=intent,
            language=language,
        )
        uow.messaging.add(inbound)
        _act(uow, inbound, contact, intent, source="sms")
        uow.commit()
    return intent


def _act(
    uow: MessagingUnitOfWork,
    inbound: InboundMessage,
    contact: Contact | None,
    intent: str,
    source: str,
) -> None:
    # STOP is confirmed once: a number that is already suppressed gets nothing more.
    already_stopped = uow.messaging.suppression(inbound.from_number) is not None
    if intent == replies.STOP:
        suppress_number(uow, inbound.from_number, "replied STOP", source=source)
    elif intent == START:
        resubscribe_number(uow, inbound.from_number, source=source)
    if contact is None:
        return
    if intent in replies.INTENTS:
        uow.publish(
            "messaging.reply.received",
            {
                "reply_id": inbound.id,
                "participant_id": contact.participant_id,
                "trial_id": inbound.trial_id,
                "intent": intent,
                "language": contact.language,
            },
        )
    if not (intent == replies.STOP and already_stopped):
        _acknowledge(uow, contact, intent, inbound)


def _who_replied(uow: MessagingUnitOfWork, mobile: str) -> tuple[Contact | None, Message | None]:
    """Several people may share a phone: the reply is for the one invited most recently."""
    best: tuple[Contact | None, Message | None] = (None, None)
    for contact in uow.messaging.contacts_with_mobile(mobile):
        invitation = uow.messaging.latest_invitation(contact.participant_id)
        if best[0] is None or (
            invitation is not None
            and (best[1] is None or invitation.created_at > best[1].created_at)
        ):
            best = (contact, invitation)
    return best


def resubscribe_number(uow: MessagingUnitOfWork, mobile: str, source: str) -> None:
    uow.messaging.remove_suppression(mobile)
    for contact in uow.messaging.contacts_with_mobile(mobile):
        uow.publish(
            "messaging.participant.opted_in",
            {"participant_id": contact.participant_id, "source": source},
        )


ACK_KINDS = {
    replies.YES: "ack_yes",
    replies.NO: "ack_no",
    replies.STOP: "ack_stop",
    replies.HELP: "help",
    START: "ack_start",
}


def _acknowledge(
    uow: MessagingUnitOfWork, contact: Contact, intent: str, inbound: InboundMessage
) -> None:
    kind = ACK_KINDS.get(intent)
    if kind is None or contact.mobile is None:
        return  # unclear replies wait for staff, who answer them
    trial = uow.messaging.trial_settings(inbound.trial_id) if inbound.trial_id else None
    if trial is not None:
        rendered = templates.render(uow, trial, kind, contact.language)
        text, language, template_id = (
            rendered.text,
            rendered.template.language,
            rendered.template.id,
        )
    else:  # a reply from someone never invited to a trial: the plain English answer
        text, language, template_id = ACKNOWLEDGEMENTS[intent], "en", None
    message = Message(
        participant_id=contact.participant_id,
        to=contact.mobile,
        body=text,
        kind="stop_ack" if intent == replies.STOP else f"{intent}_ack",
        priority=PRIORITY_REPLY,
        trial_id=inbound.trial_id,
        language=language,
        template_id=template_id,
    )
    queue_message(uow, message, bypass_stop=intent == replies.STOP)


# The staff review inbox


def unclear_replies(
    uow: MessagingUnitOfWork, principal: Principal, limit: int = 200
) -> list[dict[str, Any]]:
    practices = None if principal.is_admin else principal.practices
    with uow:
        return [
            {
                "id": inbound.id,
                "participant_id": inbound.participant_id,
                "trial_id": inbound.trial_id,
                "practice_ods": practice,
                "language": inbound.language,
                "body": inbound.body,
                "intent": inbound.intent,  # "callback": the patient asked to be phoned
                "received_at": inbound.received_at,
            }
            for inbound, practice in uow.messaging.unclear_replies(practices, limit)
        ]


def set_intent(
    uow: MessagingUnitOfWork, principal: Principal, inbound_id: uuid.UUID, intent: str
) -> str:
    """Staff say what an unclear reply meant; it then acts like any understood reply."""
    if intent not in STAFF_INTENTS:
        raise InvalidInput.for_field("intent", f"must be one of {', '.join(STAFF_INTENTS)}")
    with uow:
        inbound = uow.messaging.inbound(inbound_id, lock=uow.row_locks)
        contact = (
            uow.messaging.contact(inbound.participant_id)
            if inbound is not None and inbound.participant_id
            else None
        )
        if (
            inbound is None
            or contact is None
            or not principal.may_see_practice(contact.practice_ods)
        ):
            raise NotFound(f"no reply {inbound_id} waiting for review")
        if inbound.reviewed_intent is not None:
            raise Conflict(f"this reply was already read as {inbound.reviewed_intent}")
        inbound.reviewed_intent = intent
        inbound.reviewed_by, inbound.reviewed_at = principal.name, datetime.now(UTC)
        _act(uow, inbound, contact, intent, source="staff")
        uow.commit()
    return intent


def staff_resubscribe(
    uow: MessagingUnitOfWork, principal: Principal, participant_id: uuid.UUID
) -> bool:
    """Staff record a new opt-in (the patient asked in person). Returns whether the number
    was on the STOP list."""
    with uow:
        contact = uow.messaging.contact(participant_id)
        if contact is None or not principal.may_see_practice(contact.practice_ods):
            raise NotFound(f"no participant {participant_id}")
        if contact.erased or not contact.mobile:
            raise Conflict("this participant has no mobile number here")
        was_stopped = uow.messaging.suppression(contact.mobile) is not None
        resubscribe_number(uow, contact.mobile, source="staff")
        uow.commit()
    return was_stopped

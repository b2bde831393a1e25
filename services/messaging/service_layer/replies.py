"""Inbound texts: store, understand, act (STOP at once), acknowledge, and tell the others."""

from __future__ import annotations

from dataclasses import dataclass

from services.messaging.domain import replies
from services.messaging.domain.model import (
    PRIORITY_REPLY,
    Contact,
    InboundMessage,
    Message,
)
from services.messaging.domain.texts import ACKNOWLEDGEMENTS
from services.messaging.service_layer.outbound import queue_message
from services.messaging.service_layer.sending import suppress_number
from services.messaging.service_layer.unit_of_work import MessagingUnitOfWork


@dataclass(frozen=True)
class InboundSms:
    provider_sid: str
    from_number: str
    to_number: str
    body: str


def receive(uow: MessagingUnitOfWork, sms: InboundSms) -> str | None:
    """Returns the intent, or None when this MessageSid was handled before."""
    with uow:
        if uow.messaging.inbound_seen(sms.provider_sid):
            return None
        contact, invitation = _who_replied(uow, sms.from_number)
        # The invitation text (texts.INVITATION) asks for words: "Reply YES ... NO ... STOP".
        language = contact.language if contact else None
        intent = replies.classify(sms.body, language, replies.WORDS)
        inbound = InboundMessage(
            provider_sid=sms.provider_sid,
            from_number=sms.from_number,
            to_number=sms.to_number,
            body=sms.body,
            participant_id=contact.participant_id if contact else None,
            trial_id=invitation.trial_id if invitation else None,
            intent=intent,
            language=contact.language if contact else None,
        )
        uow.messaging.add(inbound)
        # STOP is confirmed once: a number that is already suppressed gets nothing more.
        already_stopped = uow.messaging.suppression(sms.from_number) is not None
        if intent == replies.STOP:
            suppress_number(uow, sms.from_number, "replied STOP", source="sms")
        elif intent == "start":
            _resubscribe(uow, sms.from_number)
        if contact is not None:
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
        uow.commit()
    return intent


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


def _resubscribe(uow: MessagingUnitOfWork, mobile: str) -> None:
    uow.messaging.remove_suppression(mobile)
    for contact in uow.messaging.contacts_with_mobile(mobile):
        uow.publish(
            "messaging.participant.opted_in",
            {"participant_id": contact.participant_id, "source": "sms"},
        )


def _acknowledge(
    uow: MessagingUnitOfWork, contact: Contact, intent: str, inbound: InboundMessage
) -> None:
    text = ACKNOWLEDGEMENTS.get(intent)
    if text is None or contact.mobile is None:
        return  # unclear replies wait for staff, who answer them
    message = Message(
        participant_id=contact.participant_id,
        to=contact.mobile,
        body=text,
        kind="stop_ack" if intent == replies.STOP else f"{intent}_ack",
        priority=PRIORITY_REPLY,
        trial_id=inbound.trial_id,
    )
    queue_message(uow, message, bypass_stop=intent == replies.STOP)

"""Inbound texts: store, understand, act (STOP at once), acknowledge, and tell the others.

Unclear replies wait in staff's review inbox (`review_inbox`); when staff say what one
meant, it flows on through `act_on` exactly as if the classifier had understood it.
"""

from __future__ import annotations

import uuid

from services.messaging.domain import replies
from services.messaging.domain.callbacks import CallbackTask, asks_for_a_call
from services.messaging.domain.channels import reply_channel
from services.messaging.domain.model import (
    PRIORITY_REPLY,
    Contact,
    InboundMessage,
    Message,
)
from services.messaging.domain.texts import ACKNOWLEDGEMENTS
from services.messaging.service_layer import callbacks, resubscribe, templates
from services.messaging.service_layer.inbound import InboundSms as InboundSms  # re-exported
from services.messaging.service_layer.outbound import queue_message
from services.messaging.service_layer.sending import suppress_number
from services.messaging.service_layer.unit_of_work import MessagingUnitOfWork
from shared.logs import get_logger

log = get_logger(__name__)

START = "start"


def _convention(uow: MessagingUnitOfWork, invitation: Message | None) -> str:
    """How the text this person is answering asked for an answer."""
    if invitation is None or invitation.template_id is None:
        return replies.WORDS
    template = uow.templates.template(invitation.template_id)
    return template.reply_with if template else replies.WORDS


def receive(uow: MessagingUnitOfWork, sms: InboundSms) -> str | None:
    """Returns the intent, or None when this MessageSid was handled before."""
    with uow:
        if uow.replies.inbound_seen(sms.provider_sid):
            return None
        contact, invitation = _who_replied(uow, sms.from_number, sms.answering)
        language = contact.language if contact else None
        intent = sms.intent or replies.classify(sms.body, language, _convention(uow, invitation))
        if intent == replies.UNKNOWN and asks_for_a_call(sms.body):
            intent = replies.CALLBACK  # CALL, as the "we did not understand" text offers
        inbound = InboundMessage(
            channel=sms.channel,
            provider_sid=sms.provider_sid,
            from_number=sms.from_number,
            to_number=sms.to_number,
            body=sms.body,
            participant_id=contact.participant_id if contact else None,
            trial_id=invitation.trial_id if invitation else None,
            intent=intent,
            language=language,
        )
        uow.replies.add(inbound)
        act_on(uow, inbound, contact, intent, source=sms.channel)
        uow.commit()
    return intent


def act_on(
    uow: MessagingUnitOfWork,
    inbound: InboundMessage,
    contact: Contact | None,
    intent: str,
    source: str,
    note: str | None = None,
) -> CallbackTask | None:
    # STOP is confirmed once: a number that is already suppressed gets nothing more.
    already_stopped = uow.suppressions.suppression(inbound.from_number) is not None
    if intent == replies.STOP:
        by = contact.participant_id if contact else None
        suppress_number(
            uow, inbound.from_number, "replied STOP", source, by, inbound.channel, inbound.trial_id
        )
    elif intent == START:
        resubscribe.resubscribe_number(uow, inbound.from_number, source=source)
    if contact is None:
        return None
    if intent in replies.INTENTS:
        uow.publish(
            "messaging.reply.received",
            {
                "reply_id": inbound.id,
                "participant_id": contact.participant_id,
                "trial_id": inbound.trial_id,
                "intent": intent,
                "language": contact.language,
                "channel": inbound.channel,
            },
        )
    if intent == replies.UNKNOWN:
        _clarify(uow, contact, inbound, already_stopped)
    elif intent == replies.CALLBACK:  # a person rings them: no text promises it
        origin = "review_inbox" if source == "staff" else inbound.channel
        return callbacks.request_call(
            uow, contact, inbound.trial_id, origin, reply_id=inbound.id, note=note
        )
    elif not (intent == replies.STOP and already_stopped):
        _acknowledge(uow, contact, intent, inbound)
    return None


def _who_replied(
    uow: MessagingUnitOfWork, mobile: str, answering: uuid.UUID | None = None
) -> tuple[Contact | None, Message | None]:
    """The conversation a reply belongs to: the last invitation or reminder that reached
    this number (a phone may be shared, or registered at several practices). A text that
    never went (held, or suppressed by STOP) starts no conversation, so registering someone
    else's number draws none of their replies. A number no practice's text reached (or
    whose person was erased, and the number with them) is nobody's: admins see the reply,
    no practice does; STOP and START from it still act on the number."""
    opener = uow.messages.message(answering) if answering else None
    opener = opener or uow.conversations.latest_opener_to(mobile)
    if opener is None:
        return None, None
    contact = uow.contacts.contact(opener.participant_id)
    return (contact, opener) if contact is not None and not contact.erased else (None, None)


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
    trial = uow.trials.trial_settings(inbound.trial_id) if inbound.trial_id else None
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
        channel=reply_channel(inbound.channel),
    )
    queue_message(uow, message, bypass_stop=intent == replies.STOP)


def _clarify(
    uow: MessagingUnitOfWork, contact: Contact, inbound: InboundMessage, stopped: bool
) -> None:
    """An unclear reply gets one short "we did not understand, reply YES or NO, or CALL" per
    conversation, in the patient's language; never to a stopped number. Staff still read it."""
    if (
        stopped
        or contact.mobile is None
        or uow.conversations.clarified(contact.participant_id, inbound.trial_id)
    ):
        return
    try:
        rendered = templates.render_for(uow, inbound.trial_id, "unclear", contact.language)
    except templates.NoTemplate:
        # An installation without the shipped texts: staff still see the reply.
        log.warning("no_unclear_template", language=contact.language)
        return
    queue_message(
        uow,
        Message(
            participant_id=contact.participant_id,
            to=contact.mobile,
            body=rendered.text,
            kind="unclear_ack",
            priority=PRIORITY_REPLY,
            trial_id=inbound.trial_id,
            language=rendered.template.language,
            template_id=rendered.template.id,
            channel=reply_channel(inbound.channel),
        ),
    )

"""Inbound texts: store, understand, act (STOP at once), acknowledge, and tell the others.

Unclear replies wait in a review inbox; when staff say what one meant, it flows on
exactly as if the classifier had understood it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from services.messaging.domain import opt_in, replies
from services.messaging.domain.model import (
    PRIORITY_REPLY,
    Contact,
    InboundMessage,
    Message,
)
from services.messaging.domain.opt_in import OptInRequest
from services.messaging.domain.texts import ACKNOWLEDGEMENTS
from services.messaging.service_layer import templates
from services.messaging.service_layer.outbound import queue_message
from services.messaging.service_layer.sending import suppress_number
from services.messaging.service_layer.unit_of_work import MessagingUnitOfWork
from shared.auth.principal import Principal
from shared.errors import Conflict, Forbidden, InvalidInput, NotFound
from shared.link_tokens import mask_tokens
from shared.logs import get_logger

log = get_logger(__name__)

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
            callback_requested=intent == replies.CALLBACK
            or (intent == replies.UNKNOWN and asks_for_a_call(sms.body)),
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
        by = contact.participant_id if contact else None
        suppress_number(uow, inbound.from_number, "replied STOP", source, by)
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
    if intent == replies.UNKNOWN:
        _clarify(uow, contact, inbound, already_stopped)
    elif not (intent == replies.STOP and already_stopped):
        _acknowledge(uow, contact, intent, inbound)


def _who_replied(uow: MessagingUnitOfWork, mobile: str) -> tuple[Contact | None, Message | None]:
    """The conversation a reply belongs to: the last invitation or reminder that reached
    this number (a phone may be shared, or registered at several practices). A text that
    never went (held, or suppressed by STOP) starts no conversation, so registering someone
    else's number draws none of their replies. A number no practice's text reached (or
    whose person was erased, and the number with them) is nobody's: admins see the reply,
    no practice does; STOP and START from it still act on the number."""
    opener = uow.conversations.latest_opener_to(mobile)
    if opener is None:
        return None, None
    contact = uow.messaging.contact(opener.participant_id)
    return (contact, opener) if contact is not None and not contact.erased else (None, None)


CALL_WORDS = frozenset({"call", "call me", "callback", "call back", "please call me", "phone me"})


def asks_for_a_call(body: str) -> bool:
    """CALL, as the "we did not understand" text offers: flagged for a call back."""
    words = replies.normalise(body).strip(" .!?\n\t")
    return " ".join(words.split()) in CALL_WORDS


def resubscribe_number(uow: MessagingUnitOfWork, mobile: str, source: str) -> None:
    """The number's own START: it leaves the STOP list, and any staff request waiting for
    that answer is confirmed."""
    uow.messaging.remove_suppression(mobile)
    for request in uow.conversations.pending_opt_in_requests(mobile):
        request.confirmed_at = datetime.now(UTC)
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
        text, language, template_id = _render(uow, inbound.trial_id, "unclear", contact.language)
    except templates.NoTemplate:
        # An installation without the shipped texts: staff still see the reply.
        log.warning("no_unclear_template", language=contact.language)
        return
    queue_message(
        uow,
        Message(
            participant_id=contact.participant_id,
            to=contact.mobile,
            body=text,
            kind="unclear_ack",
            priority=PRIORITY_REPLY,
            trial_id=inbound.trial_id,
            language=language,
            template_id=template_id,
        ),
    )


def _render(
    uow: MessagingUnitOfWork, trial_id: uuid.UUID | None, kind: str, language: str
) -> tuple[str, str, uuid.UUID | None]:
    """(text, its language, template) from the trial's templates or the shipped ones."""
    rendered = templates.render_for(uow, trial_id, kind, language)
    return rendered.text, rendered.template.language, rendered.template.id


# The staff review inbox


def unclear_replies(
    uow: MessagingUnitOfWork,
    principal: Principal,
    callback_only: bool = False,
    limit: int = 200,
) -> list[dict[str, Any]]:
    """Replies waiting for staff, each with its conversation (the texts out and in of that
    patient and trial, consent link tokens masked), whether its number is stopped now, and
    the call-back flag."""
    practices = None if principal.is_admin else principal.practices
    with uow:
        rows = uow.conversations.unclear_inbox(practices, callback_only, limit)
        people = {row[0].participant_id for row in rows if row[0].participant_id}
        sent, received = uow.conversations.conversations(people)
        threads: dict[tuple[Any, Any], list[dict[str, Any]]] = {}
        for message in sent:
            threads.setdefault((message.participant_id, message.trial_id), []).append(
                {
                    "direction": "out",
                    "kind": message.kind,
                    "body": mask_tokens(message.body),
                    "language": message.language,
                    "status": message.status,
                    "at": message.created_at,
                }
            )
        for reply in received:
            threads.setdefault((reply.participant_id, reply.trial_id), []).append(
                {
                    "direction": "in",
                    "kind": "reply",
                    "body": reply.body,
                    "language": reply.language,
                    "intent": reply.meaning,
                    "at": reply.received_at,
                }
            )
        items = []
        for inbound, practice, short_name, stopped in rows:
            thread = sorted(
                threads.get((inbound.participant_id, inbound.trial_id), []),
                key=lambda t: _utc(t["at"]),
            )
            items.append(
                {
                    "id": inbound.id,
                    "participant_id": inbound.participant_id,
                    "trial_id": inbound.trial_id,
                    "trial_short_name": short_name,
                    "practice_ods": practice,
                    "language": inbound.language,
                    "body": inbound.body,
                    "intent": inbound.intent,  # "callback": the patient asked to be phoned
                    "received_at": inbound.received_at,
                    "number_opted_out": bool(stopped),
                    "callback_requested": inbound.callback_requested,
                    "callback_note": inbound.callback_note,
                    "callback_by": inbound.callback_by,
                    "clarification_sent": any(t["kind"] == "unclear_ack" for t in thread),
                    "conversation": thread,
                }
            )
        return items


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _reply_for_staff(
    uow: MessagingUnitOfWork, principal: Principal, inbound_id: uuid.UUID
) -> tuple[InboundMessage, Contact]:
    """The reply and its patient, if this caller's practice is that patient's."""
    inbound = uow.messaging.inbound(inbound_id, lock=uow.row_locks)
    contact = (
        uow.messaging.contact(inbound.participant_id)
        if inbound is not None and inbound.participant_id
        else None
    )
    if inbound is None or contact is None or not principal.may_see_practice(contact.practice_ods):
        raise NotFound(f"no reply {inbound_id} waiting for review")
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
        inbound.reviewed_by, inbound.reviewed_at = principal.name, datetime.now(UTC)
        if intent == START:
            if uow.messaging.suppression(inbound.from_number) is not None:
                _ask_number(uow, principal, contact, "read a reply as START")
        else:
            _act(uow, inbound, contact, intent, source="staff")
        uow.commit()
    return intent


def request_callback(
    uow: MessagingUnitOfWork, principal: Principal, inbound_id: uuid.UUID, note: str | None
) -> None:
    """Flag a reply for a call back, with a note (callback tasks come with the channels
    work). The reply stays in the inbox, flagged, until staff say what it meant."""
    with uow:
        inbound, _ = _reply_for_staff(uow, principal, inbound_id)
        inbound.callback_requested = True
        inbound.callback_note = (note or "").strip() or inbound.callback_note
        inbound.callback_by = principal.name
        uow.commit()
    log.info("callback_requested", reply_id=str(inbound_id), by=principal.name)


# Staff asking for a stopped number to be texted again

ONLY_START = (
    "Only the patient can lift this STOP, by texting START to the service's number. "
    "You cannot ask for it here: the number is not only your practice's patient's, or its "
    "STOP was not theirs."
)


def staff_resubscribe(
    uow: MessagingUnitOfWork,
    principal: Principal,
    participant_id: uuid.UUID,
    note: str | None = None,
) -> dict[str, Any]:
    """The patient asked staff in person to be texted again. A STOP belongs to the number:
    this records the request (the audit) and texts the number once, asking for START; the
    number stays stopped until START comes from it. Refused unless every patient with this
    number is the caller's practice's and the STOP was theirs."""
    with uow:
        contact = uow.messaging.contact(participant_id)
        if contact is None or not principal.may_see_practice(contact.practice_ods):
            raise NotFound(f"no participant {participant_id}")
        if contact.erased or not contact.mobile:
            raise Conflict("this participant has no mobile number here")
        stopped = uow.messaging.suppression(contact.mobile) is not None
        request = _ask_number(uow, principal, contact, note) if stopped else None
        uow.commit()
    return {
        "participant_id": participant_id,
        "was_stopped": stopped,
        "still_stopped": stopped,
        "confirmation_requested": request is not None,
    }


def _ask_number(
    uow: MessagingUnitOfWork, principal: Principal, contact: Contact, note: str | None
) -> OptInRequest:
    assert contact.mobile is not None
    stop = uow.messaging.suppression(contact.mobile)
    assert stop is not None
    practices = {c.practice_ods for c in uow.messaging.contacts_with_mobile(contact.mobile)}
    if not opt_in.staff_may_ask(contact.practice_ods, stop.practice_ods, practices):
        log.warning("opt_in_refused", participant_id=str(contact.participant_id), by=principal.name)
        raise Forbidden(ONLY_START)
    earlier = uow.conversations.opt_in_requests(contact.mobile)
    if not opt_in.may_ask_again(earlier):
        raise Conflict(
            "The patient was already texted to confirm on "
            f"{earlier[-1].requested_at:%d %B %Y}; they have not replied START yet. "
            "You can ask again a week after that."
        )
    opener = uow.conversations.latest_opener_to(contact.mobile)
    trial_id = opener.trial_id if opener else None
    text, language, template_id = _render(uow, trial_id, "opt_in_check", contact.language)
    message = Message(
        participant_id=contact.participant_id,
        to=contact.mobile,
        body=text,
        kind="opt_in_check",
        priority=PRIORITY_REPLY,
        trial_id=trial_id,
        language=language,
        template_id=template_id,
    )
    queue_message(uow, message, bypass_stop=True)
    request = OptInRequest(
        mobile=contact.mobile,
        participant_id=contact.participant_id,
        practice_ods=contact.practice_ods,
        requested_by=principal.name,
        note=(note or "").strip() or None,
        message_id=message.id,
    )
    uow.conversations.add_opt_in_request(request)
    log.info("opt_in_requested", participant_id=str(contact.participant_id), by=principal.name)
    return request

"""A stopped number texted again: its own START lifts the STOP; staff asked in person
only request that the number confirm."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from services.messaging.domain import opt_in
from services.messaging.domain.model import PRIORITY_REPLY, Contact, Message
from services.messaging.domain.opt_in import OptInRequest
from services.messaging.service_layer import templates
from services.messaging.service_layer.outbound import queue_message
from services.messaging.service_layer.unit_of_work import MessagingUnitOfWork
from shared import clock
from shared.auth.principal import Principal
from shared.errors import Conflict, Forbidden
from shared.logs import get_logger

log = get_logger(__name__)


def resubscribe_number(uow: MessagingUnitOfWork, mobile: str, source: str) -> None:
    """The number's own START: it leaves the STOP list, and any staff request waiting for
    that answer is confirmed."""
    uow.suppressions.remove_suppression(mobile)
    for request in uow.conversations.pending_opt_in_requests(mobile):
        request.confirmed_at = clock.now()
    for contact in uow.contacts.contacts_with_mobile(mobile):
        uow.publish(
            "messaging.participant.opted_in",
            {"participant_id": contact.participant_id, "source": source},
        )


ONLY_START = (
    "Only the patient can lift this STOP, by texting START to the service's number. "
    "You cannot ask for it here: the number is not only your practice's patient's, or its "
    "STOP was not theirs."
)


@dataclass(frozen=True)
class Resubscribed:
    """What staff asking to text a patient again did (the API's ResubscribeOut)."""

    participant_id: uuid.UUID
    was_stopped: bool
    still_stopped: bool  # only the number's own START lifts a STOP
    confirmation_requested: bool


def staff_resubscribe(
    uow: MessagingUnitOfWork,
    principal: Principal,
    participant_id: uuid.UUID,
    note: str | None = None,
) -> Resubscribed:
    """The patient asked staff in person to be texted again. A STOP belongs to the number:
    this records the request (the audit) and texts the number once, asking for START; the
    number stays stopped until START comes from it. Refused unless every patient with this
    number is the caller's practice's and the STOP was theirs."""
    with uow:
        contact = principal.visible_at_practice(
            uow.contacts.contact(participant_id), f"no participant {participant_id}"
        )
        if contact.erased or not contact.mobile:
            raise Conflict("this participant has no mobile number here")
        stopped = uow.suppressions.suppression(contact.mobile) is not None
        request = ask_number_to_confirm(uow, principal, contact, note) if stopped else None
        uow.commit()
    return Resubscribed(
        participant_id=participant_id,
        was_stopped=stopped,
        still_stopped=stopped,
        confirmation_requested=request is not None,
    )


def ask_number_to_confirm(
    uow: MessagingUnitOfWork, principal: Principal, contact: Contact, note: str | None
) -> OptInRequest:
    assert contact.mobile is not None
    stop = uow.suppressions.suppression(contact.mobile)
    assert stop is not None
    practices = {c.practice_ods for c in uow.contacts.contacts_with_mobile(contact.mobile)}
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
    rendered = templates.render_for(uow, trial_id, "opt_in_check", contact.language)
    message = Message(
        participant_id=contact.participant_id,
        to=contact.mobile,
        body=rendered.text,
        kind="opt_in_check",
        priority=PRIORITY_REPLY,
        trial_id=trial_id,
        language=rendered.template.language,
        template_id=rendered.template.id,
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

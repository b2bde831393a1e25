"""Keeping the contact details the registry shares, and forgetting them on erasure."""

from __future__ import annotations

import uuid

from services.messaging.domain.model import Contact
from services.messaging.service_layer.unit_of_work import MessagingUnitOfWork
from shared import clock
from shared.errors import NotYetKnown
from shared.events.commands import ParticipantShared, TrialCreated


def save_contact(uow: MessagingUnitOfWork, shared: ParticipantShared) -> None:
    """A STOP belongs to the number: someone newly known with a stopped number is opted out
    too, and every service hears so (the registry shows them as not textable)."""
    with uow:
        contact = uow.contacts.contact(shared.participant_id)
        before = contact.mobile if contact is not None else None
        if contact is None:
            contact = Contact(
                participant_id=shared.participant_id,
                practice_ods=shared.practice_ods,
                mobile=shared.mobile,
                textable=shared.textable,
                language=shared.language,
                preferred_channel=shared.preferred_channel,
            )
            uow.contacts.add(contact)
        elif not contact.erased:
            contact.practice_ods = shared.practice_ods
            contact.mobile = shared.mobile
            contact.textable = shared.textable
            contact.language = shared.language
            contact.preferred_channel = shared.preferred_channel
            contact.updated_at = clock.now()
        if not contact.erased:  # whether a letter can reach them; never the address itself
            contact.postal = shared.postal
            contact.large_print = shared.large_print
        mobile = contact.mobile
        if mobile and mobile != before and uow.suppressions.suppression(mobile) is not None:
            uow.publish(
                "messaging.participant.opted_out",
                {"participant_id": contact.participant_id, "source": "stop_list"},
            )
        uow.commit()


def forget_callbacks(uow: MessagingUnitOfWork, participant_id: uuid.UUID) -> None:
    """Nobody rings an erased patient: open callbacks go; closed ones keep only their times
    and outcome (for how long patients waited), not the notes staff wrote."""
    for task in uow.callbacks.of_participant(participant_id):
        if task.closed_at is None:
            uow.callbacks.remove(task)
        else:
            task.request_note = task.outcome_note = None


def erase_contact(uow: MessagingUnitOfWork, participant_id: uuid.UUID) -> None:
    """Keep a tombstone so a late invitation for this person is skipped, not retried."""
    with uow:
        contact = uow.contacts.contact(participant_id)
        if contact is None:
            uow.contacts.add(
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
        for message in uow.messages.messages_for(participant_id):
            message.to, message.body = "", ""
        forget_callbacks(uow, participant_id)
        uow.commit()


def save_trial(uow: MessagingUnitOfWork, created: TrialCreated) -> None:
    with uow:
        uow.trials.save_trial(created.trial_id, created.short_name, created.title)
        uow.commit()


def contact_to_reach(
    uow: MessagingUnitOfWork,
    participant_id: uuid.UUID,
    not_known: type[NotYetKnown] = NotYetKnown,
) -> Contact | None:
    """The patient an event asks messaging to reach; None once erased (nobody to reach).
    Raises `not_known` before the registry's share has arrived: the bus retries."""
    contact = uow.contacts.contact(participant_id)
    if contact is None:
        raise not_known(f"participant {participant_id} not known yet")
    return None if contact.erased else contact

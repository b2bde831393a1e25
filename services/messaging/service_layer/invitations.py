"""Turning the registry's invitation requests into a batch of texts held for approval."""

from __future__ import annotations

from typing import Any

from services.messaging.domain.batches import Batch
from services.messaging.domain.model import PRIORITY_BULK, Message, now
from services.messaging.service_layer import templates
from services.messaging.service_layer.cancellation import announce_unsent
from services.messaging.service_layer.outbound import queue_messages
from services.messaging.service_layer.unit_of_work import MessagingUnitOfWork


class NotYetKnown(Exception):
    """An event this one depends on has not been handled yet; the bus retries later."""


def queue_invitations(uow: MessagingUnitOfWork, data: dict[str, Any]) -> int:
    """One chunk of a batch: each contact's invitation, rendered in their language and held
    until staff approve the batch (the chunks of one batch may arrive in any order)."""
    with uow:
        trial = uow.messaging.trial_settings(data["trial_id"])
        if trial is None:
            raise NotYetKnown(f"trial {data['trial_id']} not known yet")
        batch = uow.messaging.batch(data["batch_id"], lock=uow.row_locks)
        if batch is None:
            batch = Batch(
                id=data["batch_id"],
                trial_id=data["trial_id"],
                practice_ods=data["practice_ods"],
                chunks=data["chunks"],
            )
            uow.messaging.add_batch(batch)
        batch.chunks_received += 1
        # All the chunk's contacts in one query, its texts stored in one statement: a batch
        # of thousands is otherwise a few queries per person.
        people = uow.messaging.contacts_by_id(data["participant_ids"])
        by_language: dict[str, templates.Rendered] = {}
        status = "held" if batch.status in ("draft", "paused") else "queued"
        created_at = now()  # one moment for the chunk: its loop check counts from there
        new: list[Message] = []
        for participant_id in data["participant_ids"]:
            contact = people.get(participant_id)
            if contact is None:
                raise NotYetKnown(f"participant {participant_id} not known yet")
            if contact.erased or not contact.mobile:
                continue
            if contact.language not in by_language:
                by_language[contact.language] = templates.render(
                    uow, trial, "invitation", contact.language
                )
            rendered = by_language[contact.language]
            message = Message(
                participant_id=participant_id,
                to=contact.mobile,
                body=rendered.text,
                kind="invitation",
                priority=PRIORITY_BULK,
                trial_id=data["trial_id"],
                batch_id=data["batch_id"],
                status=status,
                language=rendered.template.language,
                template_id=rendered.template.id,
                created_at=created_at,
                updated_at=created_at,
            )
            if batch.status == "cancelled":
                message.status, message.error = "cancelled", "the batch was cancelled"
            new.append(message)
        queue_messages(uow, new)
        if batch.status == "cancelled":
            # A chunk that arrives after staff cancelled: none of it will be sent.
            announce_unsent(uow, batch, data["participant_ids"])
        uow.commit()
    return len(new)

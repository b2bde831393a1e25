"""Turning the registry's invitation requests into a batch of texts held for approval."""

from __future__ import annotations

import uuid

from services.messaging.domain.batches import Batch
from services.messaging.domain.letters import wants_letter
from services.messaging.domain.model import Contact, Message
from services.messaging.service_layer import cascades, channels
from services.messaging.service_layer.cancellation import announce_unsent
from services.messaging.service_layer.letters import letters_for
from services.messaging.service_layer.outbound import queue_messages
from services.messaging.service_layer.unit_of_work import MessagingUnitOfWork
from shared import clock
from shared.errors import NotYetKnown
from shared.events.commands import InvitationsRequested


def queue_invitations(uow: MessagingUnitOfWork, asked: InvitationsRequested) -> int:
    """One chunk of a batch: each contact's invitation, rendered in their language and held
    until staff approve the batch (the chunks of one batch may arrive in any order), on
    their preferred channel or the trial cascade's first step (decision 30)."""
    with uow:
        trial = uow.trials.trial_settings(asked.trial_id)
        if trial is None:
            raise NotYetKnown(f"trial {asked.trial_id} not known yet")
        batch = uow.batches.batch(asked.batch_id, lock=uow.row_locks)
        if batch is None:
            batch = Batch(
                id=asked.batch_id,
                trial_id=asked.trial_id,
                practice_ods=asked.practice_ods,
                chunks=asked.chunks,
            )
            uow.batches.add_batch(batch)
        batch.chunks_received += 1
        # All the chunk's contacts in one query, its texts stored in one statement: a batch
        # of thousands is otherwise a few queries per person.
        people = uow.contacts.contacts_by_id(asked.participant_ids)
        cascade = uow.cascades.cascade(trial.trial_id)
        reach = channels.Reach(
            opted_in=uow.whatsapp.opted_in_among([c.mobile for c in people.values() if c.mobile])
        )
        texts = channels.BulkTexts(uow, trial, "invitation")
        status = "held" if batch.status in ("draft", "paused") else "queued"
        created_at = clock.now()  # one moment for the chunk: its loop check counts from there
        new: list[Message] = []
        by_post: list[Contact] = []
        on_paper: set[uuid.UUID] = set()  # letters that are the cascade's step: they start a run
        for participant_id in asked.participant_ids:
            contact = people.get(participant_id)
            if contact is None:
                raise NotYetKnown(f"participant {participant_id} not known yet")
            if contact.erased:
                continue
            if cascade is None and wants_letter(contact):
                by_post.append(contact)  # no mobile to text, an address: a letter (decision 0029)
                continue
            usable = channels.usable_channels(uow, contact, "invitation", reach)
            channel = channels.choose_channel(contact, usable, cascade)
            if channel == "letter":  # usable only with an address
                by_post.append(contact)  # they prefer post, or the cascade starts on paper
                if cascade is not None:
                    on_paper.add(participant_id)
                continue
            if channel is None and wants_letter(contact):
                by_post.append(contact)  # no step reaches them but the post (decision 0029)
                continue
            if channel is None:
                continue
            if channel != "sms" or not contact.mobile:
                new.append(
                    channels.message_on(
                        uow,
                        contact,
                        trial,
                        channel,
                        "invitation",
                        batch_id=asked.batch_id,
                        status="cancelled" if batch.status == "cancelled" else status,
                        created_at=created_at,
                    )
                )
                continue
            message = texts.to(contact, asked.batch_id, created_at, status)
            if batch.status == "cancelled":
                message.status, message.error = "cancelled", "the batch was cancelled"
            new.append(message)
        for message in new:
            if message.status == "cancelled" and message.error is None:
                message.error = "the batch was cancelled"
        queue_messages(uow, new)
        if cascade is not None:
            cascades.start_runs(uow, cascade, new)
        if by_post:
            posted = letters_for(uow, batch, by_post, status, created_at)
            new.extend(posted)
            if cascade is not None:  # a letter that is the cascade's step starts its run
                cascades.start_runs(
                    uow, cascade, [m for m in posted if m.participant_id in on_paper]
                )
        if batch.status == "cancelled":
            # A chunk that arrives after staff cancelled: none of it will be sent.
            announce_unsent(uow, batch, asked.participant_ids)
        uow.commit()
    return len(new)

"""Events consent consumes, each mapped to its use case."""

from __future__ import annotations

from collections.abc import Mapping

from services.consent.service_layer import forms, letters, participants, reach, records
from services.consent.service_layer.unit_of_work import ConsentUnitOfWork
from shared.bus.registry_copy import copy_handlers
from shared.bus.worker import Handler
from shared.events import Event
from shared.events.commands import (
    BatchCancelled,
    InvitationsRequested,
    LetterRequested,
    LinksRequested,
    MessageStatusChanged,
    ParticipantErased,
    ParticipantOptedOut,
    ParticipantShared,
    PopulationCounted,
    ReplyReceived,
    TrialCreated,
)


def on_participant_changed(event: Event, uow: ConsentUnitOfWork) -> None:
    participants.save_participant(uow, ParticipantShared.of(event))


def on_participant_erased(event: Event, uow: ConsentUnitOfWork) -> None:
    participants.erase_participant(uow, ParticipantErased.of(event).participant_id)


def on_trial_created(event: Event, uow: ConsentUnitOfWork) -> None:
    participants.save_trial(uow, TrialCreated.of(event))


def on_population_counted(event: Event, uow: ConsentUnitOfWork) -> None:
    participants.save_population(uow, PopulationCounted.of(event))


def on_invitations_requested(event: Event, uow: ConsentUnitOfWork) -> None:
    asked = InvitationsRequested.of(event)
    records.record_invitations(
        uow, asked.trial_id, asked.participant_ids, practice_ods=asked.practice_ods
    )


def on_batch_cancelled(event: Event, uow: ConsentUnitOfWork) -> None:
    cancelled = BatchCancelled.of(event)
    records.return_uninvited(uow, cancelled.trial_id, cancelled.participant_ids)


def on_reply_received(event: Event, uow: ConsentUnitOfWork) -> None:
    reply = ReplyReceived.of(event)
    records.record_reply(uow, reply.participant_id, reply.trial_id, reply.intent, reply.channel)


def on_message_status_changed(event: Event, uow: ConsentUnitOfWork) -> None:
    reach.note_message_status(uow, MessageStatusChanged.of(event), event.occurred_at)


def on_opted_out(event: Event, uow: ConsentUnitOfWork) -> None:
    opted_out = ParticipantOptedOut.of(event)
    records.record_opt_out(
        uow, opted_out.participant_id, channel=opted_out.came_by, trial_id=opted_out.trial_id
    )


def on_letter_requested(event: Event, uow: ConsentUnitOfWork) -> None:
    letters.issue_letter_link(uow, LetterRequested.of(event))


def on_links_requested(event: Event, uow: ConsentUnitOfWork) -> None:
    asked = LinksRequested.of(event)
    forms.offer_links(uow, asked.trial_id, asked.form_version, asked.participant_ids)


HANDLERS: Mapping[str, Handler] = {
    **copy_handlers(
        participant_changed=on_participant_changed,
        participant_erased=on_participant_erased,
        trial_created=on_trial_created,
        invitations_requested=on_invitations_requested,
    ),
    "messaging.reply.received": on_reply_received,
    "messaging.participant.opted_out": on_opted_out,
    "messaging.message.status_changed": on_message_status_changed,
    "messaging.batch.cancelled": on_batch_cancelled,
    "registry.population.counted": on_population_counted,
    "messaging.letter.requested": on_letter_requested,
    "consent.links.requested": on_links_requested,
}

"""Events consent consumes, each mapped to its use case."""

from __future__ import annotations

from collections.abc import Mapping

from services.consent.service_layer import participants, records
from services.consent.service_layer.unit_of_work import ConsentUnitOfWork
from shared.auth.store import TOKEN_HANDLERS
from shared.bus.worker import Handler
from shared.events import Event


def on_participant_changed(event: Event, uow: ConsentUnitOfWork) -> None:
    participants.save_participant(uow, event.data)


def on_participant_erased(event: Event, uow: ConsentUnitOfWork) -> None:
    participants.erase_participant(uow, event.data["participant_id"])


def on_trial_created(event: Event, uow: ConsentUnitOfWork) -> None:
    participants.save_trial(uow, event.data)


def on_population_counted(event: Event, uow: ConsentUnitOfWork) -> None:
    participants.save_population(uow, event.data)


def on_invitations_requested(event: Event, uow: ConsentUnitOfWork) -> None:
    data = event.data
    records.record_invitations(
        uow, data["trial_id"], data["participant_ids"], practice_ods=data["practice_ods"]
    )


def on_batch_cancelled(event: Event, uow: ConsentUnitOfWork) -> None:
    data = event.data
    records.return_uninvited(uow, data["trial_id"], data["participant_ids"])


def on_reply_received(event: Event, uow: ConsentUnitOfWork) -> None:
    data = event.data
    records.record_reply(uow, data["participant_id"], data["trial_id"], data["intent"])


def on_opted_out(event: Event, uow: ConsentUnitOfWork) -> None:
    records.record_opt_out(uow, event.data["participant_id"])


HANDLERS: Mapping[str, Handler] = {
    "registry.participant.registered": on_participant_changed,
    "registry.participant.updated": on_participant_changed,
    "registry.participant.erased": on_participant_erased,
    "registry.trial.created": on_trial_created,
    "registry.invitations.requested": on_invitations_requested,
    "messaging.reply.received": on_reply_received,
    "messaging.participant.opted_out": on_opted_out,
    "messaging.batch.cancelled": on_batch_cancelled,
    "registry.population.counted": on_population_counted,
    **TOKEN_HANDLERS,
}

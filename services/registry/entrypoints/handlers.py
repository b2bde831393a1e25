"""Events the registry consumes, each mapped to its use case."""

from __future__ import annotations

from collections.abc import Mapping

from services.registry.service_layer import invitations, statuses
from services.registry.service_layer.unit_of_work import RegistryUnitOfWork
from shared.bus.worker import Handler
from shared.events import Event
from shared.events.commands import (
    BatchCancelled,
    ConsentStatusChanged,
    ParticipantOptedIn,
    ParticipantOptedOut,
)


def on_consent_status_changed(event: Event, uow: RegistryUnitOfWork) -> None:
    changed = ConsentStatusChanged.of(event)
    statuses.record_trial_status(
        uow, changed.participant_id, changed.trial_id, changed.status, changed.previous_status
    )


def on_batch_cancelled(event: Event, uow: RegistryUnitOfWork) -> None:
    cancelled = BatchCancelled.of(event)
    invitations.return_unsent(
        uow, cancelled.batch_id, cancelled.trial_id, cancelled.participant_ids
    )


def on_opted_out(event: Event, uow: RegistryUnitOfWork) -> None:
    statuses.record_opt_out(uow, ParticipantOptedOut.of(event).participant_id, opted_out=True)


def on_opted_in(event: Event, uow: RegistryUnitOfWork) -> None:
    statuses.record_opt_out(uow, ParticipantOptedIn.of(event).participant_id, opted_out=False)


HANDLERS: Mapping[str, Handler] = {
    "consent.status.changed": on_consent_status_changed,
    "messaging.participant.opted_out": on_opted_out,
    "messaging.participant.opted_in": on_opted_in,
    "messaging.batch.cancelled": on_batch_cancelled,
}

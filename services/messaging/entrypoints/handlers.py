"""Events messaging consumes, each mapped to its use case."""

from __future__ import annotations

from collections.abc import Mapping

from services.messaging.service_layer import contacts, invitations, notifications
from services.messaging.service_layer.unit_of_work import MessagingUnitOfWork
from shared.auth.store import TOKEN_HANDLERS
from shared.bus.worker import Handler
from shared.events import Event


def on_participant_changed(event: Event, uow: MessagingUnitOfWork) -> None:
    contacts.save_contact(uow, event.data)


def on_participant_erased(event: Event, uow: MessagingUnitOfWork) -> None:
    contacts.erase_contact(uow, event.data["participant_id"])


def on_trial_created(event: Event, uow: MessagingUnitOfWork) -> None:
    contacts.save_trial(uow, event.data)


def on_invitations_requested(event: Event, uow: MessagingUnitOfWork) -> None:
    invitations.queue_invitations(uow, event.data)


def on_consent_notification(event: Event, uow: MessagingUnitOfWork) -> None:
    notifications.send_consent_notification(uow, event.data)


HANDLERS: Mapping[str, Handler] = {
    "registry.participant.registered": on_participant_changed,
    "registry.participant.updated": on_participant_changed,
    "registry.participant.erased": on_participant_erased,
    "registry.trial.created": on_trial_created,
    "registry.invitations.requested": on_invitations_requested,
    "consent.notification.requested": on_consent_notification,
    **TOKEN_HANDLERS,
}

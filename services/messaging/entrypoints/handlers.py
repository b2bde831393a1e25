"""Events messaging consumes, each mapped to its use case."""

from __future__ import annotations

from collections.abc import Mapping

from services.messaging.service_layer import (
    callbacks,
    contacts,
    invitations,
    letters,
    notifications,
)
from services.messaging.service_layer.unit_of_work import MessagingUnitOfWork
from shared.bus.registry_copy import copy_handlers
from shared.bus.worker import Handler
from shared.events import Event
from shared.events.commands import (
    CallbackRequested,
    InvitationsRequested,
    NotificationRequested,
    ParticipantErased,
    ParticipantShared,
    TrialCreated,
)


def on_participant_changed(event: Event, uow: MessagingUnitOfWork) -> None:
    contacts.save_contact(uow, ParticipantShared.of(event))


def on_participant_erased(event: Event, uow: MessagingUnitOfWork) -> None:
    contacts.erase_contact(uow, ParticipantErased.of(event).participant_id)


def on_trial_created(event: Event, uow: MessagingUnitOfWork) -> None:
    contacts.save_trial(uow, TrialCreated.of(event))


def on_invitations_requested(event: Event, uow: MessagingUnitOfWork) -> None:
    invitations.queue_invitations(uow, InvitationsRequested.of(event))


def on_consent_notification(event: Event, uow: MessagingUnitOfWork) -> None:
    asked = NotificationRequested.of(event)
    if asked.kind == "letter_link":  # not a text: the link printed on a letter
        letters.attach_link(uow, asked)
    else:
        notifications.send_consent_notification(uow, asked)


def on_consent_callback(event: Event, uow: MessagingUnitOfWork) -> None:
    callbacks.from_consent_page(uow, CallbackRequested.of(event))


HANDLERS: Mapping[str, Handler] = {
    **copy_handlers(
        participant_changed=on_participant_changed,
        participant_erased=on_participant_erased,
        trial_created=on_trial_created,
        invitations_requested=on_invitations_requested,
    ),
    "consent.notification.requested": on_consent_notification,
    "consent.callback.requested": on_consent_callback,
}

"""The one port by which anything in messaging queues a message on a channel (decision 30).

Texts and WhatsApp messages go through the sender; a queued message with channel "voice" or
"letter" is what the voice-call and letter workers pick up. The invitation of each patient
goes by their preferred channel when it can be used, or the trial cascade's first step.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from services.messaging.domain import channels as rules
from services.messaging.domain.cascade import Cascade, first_channel
from services.messaging.domain.model import PRIORITY_BULK, Contact, Message
from services.messaging.domain.trial_settings import TrialSettings
from services.messaging.service_layer import templates, whatsapp
from services.messaging.service_layer.outbound import queue_message
from services.messaging.service_layer.unit_of_work import MessagingUnitOfWork
from shared import clock


@dataclass
class Reach:
    """What one batch chunk knows to choose channels without a query per patient."""

    opted_in: set[str] = field(default_factory=set)  # the chunk's numbers with a WhatsApp opt-in
    whatsapp_templates: dict[tuple[str, str], bool] = field(default_factory=dict)


def usable_channels(
    uow: MessagingUnitOfWork, contact: Contact, kind: str, reach: Reach | None = None
) -> set[str]:
    """The channels this patient can be reached on for a message of this kind."""
    if contact.erased:
        return set()
    # The registry shares the address for the letter being sent, to patients it holds one of.
    usable = {"letter"} if contact.postal else set()
    if contact.mobile:
        usable.add("voice")  # a landline takes calls (the patient asked for one)
    if contact.mobile and contact.textable:
        usable.add("sms")
        if reach is None:  # one patient: look the opt-in up
            agreed = uow.whatsapp.opt_in(contact.mobile) is not None
            reach = Reach(opted_in={contact.mobile} if agreed else set())
        opted_in = contact.mobile in reach.opted_in
        key = (kind, contact.language)
        if key not in reach.whatsapp_templates:
            template = whatsapp.usable_template(uow, kind, contact.language)
            reach.whatsapp_templates[key] = template is not None
        if opted_in and reach.whatsapp_templates[key]:
            usable.add("whatsapp")
    return usable


def choose_channel(contact: Contact, usable: set[str], cascade: Cascade | None) -> str | None:
    """With a cascade, its first usable step unless the patient prefers another usable one;
    without, the preference or a text."""
    if cascade is not None:
        return first_channel(cascade, contact.preferred_channel, usable)
    return rules.choose(contact.preferred_channel, usable)


def message_on(
    uow: MessagingUnitOfWork,
    contact: Contact,
    trial: TrialSettings,
    channel: str,
    kind: str,
    *,
    priority: int = PRIORITY_BULK,
    batch_id: uuid.UUID | None = None,
    status: str = "queued",
    created_at: datetime | None = None,
) -> Message:
    """A message of this kind to this patient on this channel, not yet added: the trial's
    text in their language (WhatsApp: its approved content template; a call or a letter
    carries the text its worker speaks or prints from, in the same language)."""
    rendered = templates.render(uow, trial, kind, contact.language)
    at = created_at or clock.now()
    message = Message(
        participant_id=contact.participant_id,
        to=contact.mobile or "",
        body=rendered.text,
        kind=kind,
        priority=priority,
        trial_id=trial.trial_id,
        batch_id=batch_id,
        status=status,
        language=rendered.template.language,
        template_id=rendered.template.id,
        channel=channel,
        created_at=at,
        updated_at=at,
    )
    if channel == "whatsapp":
        template = whatsapp.usable_template(uow, kind, contact.language)
        if template is not None:
            whatsapp.use_template(message, template, trial.values())
    return message


def queue_on_channel(
    uow: MessagingUnitOfWork,
    contact: Contact,
    trial: TrialSettings,
    channel: str,
    kind: str,
    *,
    priority: int = PRIORITY_BULK,
    batch_id: uuid.UUID | None = None,
) -> Message:
    """Queue it: the port voice calls and letters pick their work up from. The STOP list and
    loop protection apply as to every message (service_layer/outbound.py)."""
    message = message_on(uow, contact, trial, channel, kind, priority=priority, batch_id=batch_id)
    queue_message(uow, message)
    return message


class BulkTexts:
    """One kind of bulk text for many patients (a chunk's invitations, a batch's
    reminders), rendered once per language, each in its reader's language."""

    def __init__(self, uow: MessagingUnitOfWork, trial: TrialSettings, kind: str) -> None:
        self.uow, self.trial, self.kind = uow, trial, kind
        self._rendered: dict[str, templates.Rendered] = {}

    def to(
        self, contact: Contact, batch_id: uuid.UUID, created_at: datetime, status: str = "queued"
    ) -> Message:
        """The text for this contact (who has a mobile), not yet added."""
        assert contact.mobile is not None
        language = contact.language
        if language not in self._rendered:
            self._rendered[language] = templates.render(self.uow, self.trial, self.kind, language)
        rendered = self._rendered[language]
        return Message(
            participant_id=contact.participant_id,
            to=contact.mobile,
            body=rendered.text,
            kind=self.kind,
            priority=PRIORITY_BULK,
            trial_id=self.trial.trial_id,
            batch_id=batch_id,
            status=status,
            language=rendered.template.language,
            template_id=rendered.template.id,
            created_at=created_at,
            updated_at=created_at,
        )

"""Texts consent asks for: the consent link, the confirmation, the withdrawal receipt, and
the one-time code of the consent page's identity check (spoken by a call to a patient
invited by calls)."""

from __future__ import annotations

from typing import Any

from services.messaging.domain.model import PRIORITY_NOTIFICATION, Contact, Message
from services.messaging.domain.texts import consent_notification_text
from services.messaging.domain.voice import SAY_LANGUAGES, SPOKEN_CODE, VOICE
from services.messaging.service_layer import callbacks, contacts, templates
from services.messaging.service_layer.outbound import queue_message
from services.messaging.service_layer.unit_of_work import MessagingUnitOfWork
from shared.events.commands import NotificationRequested

NO_MOBILE = "said yes, but has no mobile for the consent link"


def send_consent_notification(uow: MessagingUnitOfWork, asked: NotificationRequested) -> bool:
    """Queue the text (the STOP list applies as to every text); False when nobody to text."""
    with uow:
        contact = contacts.contact_to_reach(uow, asked.participant_id)
        if contact is None:
            return False
        spoken = speaks_the_code(asked, contact)
        if not spoken and not (contact.mobile and contact.textable):
            if asked.kind == "consent_link":
                # A YES on a call from a phone that takes no texts (a landline): a person
                # rings back to take consent by phone or post the form (issue 16).
                callbacks.request_call(uow, contact, asked.trial_id, "voice", note=NO_MOBILE)
                uow.commit()
            return False
        assert contact.mobile is not None
        body, language, template_id = _text(uow, asked, contact.language)
        if spoken and language not in SAY_LANGUAGES:  # no voice for it: the code in English
            body, language, template_id = _english(uow, asked), "en", None
        message = Message(
            id=asked.notification_id,
            participant_id=contact.participant_id,
            to=contact.mobile,
            body=body,
            language=language,
            template_id=template_id,
            kind=asked.kind,
            priority=PRIORITY_NOTIFICATION,
            trial_id=asked.trial_id,
            channel=VOICE if spoken else "sms",
        )
        queue_message(uow, message)
        uow.commit()
    return True


def speaks_the_code(asked: NotificationRequested, contact: Contact) -> bool:
    """The consent page's one-time code is said in a call where consent asks (the patient was
    invited by call alone: issue 18 item 1) or where the number takes no texts."""
    return (
        asked.kind == SPOKEN_CODE
        and bool(contact.mobile)
        and (asked.spoken or not contact.textable)
    )


def _text(
    uow: MessagingUnitOfWork, asked: NotificationRequested, language: str
) -> tuple[str, str, Any]:
    """In the patient's language from the trial's templates; plain English if the trial's
    settings have not reached messaging yet."""
    trial = uow.trials.trial_settings(asked.trial_id)
    if trial is not None:
        try:
            fields = {"link": asked.link or "", "code": asked.code or ""}
            rendered = templates.render(uow, trial, asked.kind, language, fields)
            return rendered.text, rendered.template.language, rendered.template.id
        except templates.NoTemplate:
            pass
    return _english(uow, asked), "en", None


def _english(uow: MessagingUnitOfWork, asked: NotificationRequested) -> str:
    named = uow.trials.trial(asked.trial_id)
    return consent_notification_text(
        asked.kind, named[0] if named else None, asked.link, asked.code
    )

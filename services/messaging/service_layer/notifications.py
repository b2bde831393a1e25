"""Texts consent asks for: the consent link, the confirmation, the withdrawal receipt, and
the one-time code of the consent page's identity check."""

from __future__ import annotations

from typing import Any

from services.messaging.domain.model import PRIORITY_NOTIFICATION, Message
from services.messaging.domain.texts import consent_notification_text
from services.messaging.service_layer import templates
from services.messaging.service_layer.invitations import NotYetKnown
from services.messaging.service_layer.outbound import queue_message
from services.messaging.service_layer.unit_of_work import MessagingUnitOfWork


def send_consent_notification(uow: MessagingUnitOfWork, data: dict[str, Any]) -> bool:
    """Queue the text (the STOP list applies as to every text); False when nobody to text."""
    with uow:
        contact = uow.messaging.contact(data["participant_id"])
        if contact is None:
            raise NotYetKnown(f"participant {data['participant_id']} not known yet")
        if contact.erased or not contact.mobile:
            return False
        body, language, template_id = _text(uow, data, contact.language)
        message = Message(
            id=data["notification_id"],
            participant_id=contact.participant_id,
            to=contact.mobile,
            body=body,
            language=language,
            template_id=template_id,
            kind=data["kind"],
            priority=PRIORITY_NOTIFICATION,
            trial_id=data["trial_id"],
        )
        queue_message(uow, message)
        uow.commit()
    return True


def _text(uow: MessagingUnitOfWork, data: dict[str, Any], language: str) -> tuple[str, str, Any]:
    """In the patient's language from the trial's templates; plain English if the trial's
    settings have not reached messaging yet."""
    trial = uow.messaging.trial_settings(data["trial_id"])
    if trial is not None:
        try:
            fields = {"link": data["link"] or "", "code": data.get("code") or ""}
            rendered = templates.render(uow, trial, data["kind"], language, fields)
            return rendered.text, rendered.template.language, rendered.template.id
        except templates.NoTemplate:
            pass
    named = uow.messaging.trial(data["trial_id"])
    text = consent_notification_text(
        data["kind"], named[0] if named else None, data["link"], data.get("code")
    )
    return text, "en", None

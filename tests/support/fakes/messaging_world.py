"""Messaging's state for use-case tests on the fakes: shipped templates, a trial, contacts
and invitations that reached their phones, in a few words each."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

from services.messaging.domain.model import PRIORITY_BULK, Contact, Message
from services.messaging.domain.templates import DEFAULT_SCOPE, Template
from tests.support.factories import mobile
from tests.support.fakes.messaging import FakeMessagingUnitOfWork

DATA = Path(__file__).parents[3] / "services" / "messaging" / "migrations" / "data"
PRACTICE = "M85001"


def with_shipped_templates(uow: FakeMessagingUnitOfWork) -> FakeMessagingUnitOfWork:
    """The templates the migrations seed, each later file a newer version (as they are)."""
    for path in sorted(DATA.glob("templates_*.json")):
        for language, kinds in json.loads(path.read_text(encoding="utf-8")).items():
            for kind, body in kinds.items():
                version = uow.templates.latest_version(DEFAULT_SCOPE, kind, language) + 1
                reviewed = language == "en"
                uow.templates.add_template(
                    Template(DEFAULT_SCOPE, kind, language, version, body, reviewed=reviewed)
                )
    return uow


def a_trial(uow: FakeMessagingUnitOfWork, short_name: str = "HEART") -> uuid.UUID:
    trial_id = uuid.uuid4()
    uow.trials.save_trial(trial_id, short_name, f"The {short_name} study")
    return trial_id


def a_contact(
    uow: FakeMessagingUnitOfWork, language: str = "en", number: str | None = None
) -> Contact:
    contact = Contact(uuid.uuid4(), PRACTICE, number or mobile(), True, language)
    uow.contacts.add(contact)
    return contact


def an_invitation_that_reached(
    uow: FakeMessagingUnitOfWork, contact: Contact, trial_id: uuid.UUID, status: str = "sent"
) -> Message:
    assert contact.mobile is not None
    message = Message(
        contact.participant_id,
        contact.mobile,
        "Your GP practice is writing to invite you",
        "invitation",
        PRIORITY_BULK,
        trial_id=trial_id,
        status=status,
    )
    uow.messages.add(message)
    return message


def someone_invited(
    uow: FakeMessagingUnitOfWork, language: str = "en", status: str = "sent"
) -> tuple[Contact, str, uuid.UUID]:
    """A contact, their number and the trial whose invitation reached it (or is `status`)."""
    contact, trial = a_contact(uow, language), a_trial(uow)
    assert contact.mobile is not None
    an_invitation_that_reached(uow, contact, trial, status)
    return contact, contact.mobile, trial

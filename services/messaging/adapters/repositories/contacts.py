"""Contacts: the people messaging may text, as the registry announced them."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.messaging.adapters.orm import contacts
from services.messaging.domain.model import Contact


class ContactRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, contact: Contact) -> None:
        self.session.add(contact)

    def contact(self, participant_id: uuid.UUID) -> Contact | None:
        return self.session.get(Contact, participant_id)

    def contacts_by_id(self, participant_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, Contact]:
        if not participant_ids:
            return {}
        query = select(Contact).where(contacts.c.participant_id.in_(set(participant_ids)))
        return {c.participant_id: c for c in self.session.scalars(query)}

    def contacts_with_mobile(self, mobile: str) -> Sequence[Contact]:
        query = select(Contact).where(contacts.c.mobile == mobile, contacts.c.erased.is_(False))
        return self.session.scalars(query).all()

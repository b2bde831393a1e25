"""Replies: inbound messages as received (conversations.py reads them in context)."""

from __future__ import annotations

import uuid
from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.messaging.adapters.orm import inbound_messages
from services.messaging.domain.model import InboundMessage


class ReplyRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, inbound: InboundMessage) -> None:
        self.session.add(inbound)

    def inbound(self, inbound_id: uuid.UUID, *, lock: bool = False) -> InboundMessage | None:
        return self.session.get(InboundMessage, inbound_id, with_for_update=lock or None)

    def inbound_seen(self, provider_sid: str) -> bool:
        query = select(InboundMessage).where(inbound_messages.c.provider_sid == provider_sid)
        return self.session.scalars(query).first() is not None

    def inbound_sids_seen(self, provider_sids: Collection[str]) -> set[str]:
        """Which of these MessageSids are stored already (reconciliation, decision 16)."""
        if not provider_sids:
            return set()
        query = select(inbound_messages.c.provider_sid).where(
            inbound_messages.c.provider_sid.in_(list(provider_sids))
        )
        return set(self.session.scalars(query))

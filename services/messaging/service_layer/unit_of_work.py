"""Messaging's unit of work."""

from __future__ import annotations

from sqlalchemy.orm import Session

from services.messaging.adapters.conversations import ConversationRepository
from services.messaging.adapters.repository import MessagingRepository
from shared.db.unit_of_work import SqlUnitOfWork


class MessagingUnitOfWork(SqlUnitOfWork):
    messaging: MessagingRepository
    conversations: ConversationRepository

    def _start(self, session: Session) -> None:
        self.messaging = MessagingRepository(session)
        self.conversations = ConversationRepository(session)

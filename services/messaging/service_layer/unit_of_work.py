"""Messaging's unit of work on a database: one repository per aggregate on one session.

Use cases take the `MessagingUnitOfWork` port (service_layer/ports.py, decision 0026); this
is the one bootstrap builds, tests/support/fakes/messaging.py the one unit tests build."""

from __future__ import annotations

from sqlalchemy.orm import Session

from services.messaging.adapters.repositories.batches import BatchRepository
from services.messaging.adapters.repositories.callbacks import CallbackRepository
from services.messaging.adapters.repositories.calls import CallRepository
from services.messaging.adapters.repositories.cascades import CascadeRepository
from services.messaging.adapters.repositories.contacts import ContactRepository
from services.messaging.adapters.repositories.conversations import ConversationRepository
from services.messaging.adapters.repositories.letters import LetterRepository
from services.messaging.adapters.repositories.messages import MessageRepository
from services.messaging.adapters.repositories.reach import ReachRepository
from services.messaging.adapters.repositories.recordings import RecordingRepository
from services.messaging.adapters.repositories.replies import ReplyRepository
from services.messaging.adapters.repositories.statuses import StatusRepository
from services.messaging.adapters.repositories.suppressions import SuppressionRepository
from services.messaging.adapters.repositories.templates import TemplateRepository
from services.messaging.adapters.repositories.trials import TrialRepository
from services.messaging.adapters.repositories.whatsapp import WhatsAppRepository
from services.messaging.service_layer.ports import MessagingUnitOfWork
from shared.db.unit_of_work import SqlUnitOfWork

__all__ = ["MessagingUnitOfWork", "SqlMessagingUnitOfWork"]


class SqlMessagingUnitOfWork(SqlUnitOfWork):
    contacts: ContactRepository
    trials: TrialRepository
    templates: TemplateRepository
    batches: BatchRepository
    messages: MessageRepository
    statuses: StatusRepository
    replies: ReplyRepository
    suppressions: SuppressionRepository
    conversations: ConversationRepository
    calls: CallRepository
    recordings: RecordingRepository
    letters: LetterRepository
    callbacks: CallbackRepository
    whatsapp: WhatsAppRepository
    cascades: CascadeRepository
    reach: ReachRepository

    def _start(self, session: Session) -> None:
        self.contacts = ContactRepository(session)
        self.trials = TrialRepository(session)
        self.templates = TemplateRepository(session)
        self.batches = BatchRepository(session)
        self.messages = MessageRepository(session)
        self.statuses = StatusRepository(session)
        self.replies = ReplyRepository(session)
        self.suppressions = SuppressionRepository(session)
        self.conversations = ConversationRepository(session)
        self.calls = CallRepository(session)
        self.recordings = RecordingRepository(session)
        self.letters = LetterRepository(session)
        self.callbacks = CallbackRepository(session)
        self.whatsapp = WhatsAppRepository(session)
        self.cascades = CascadeRepository(session)
        self.reach = ReachRepository(session)

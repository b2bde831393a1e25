"""WhatsApp content templates, opt-ins, and each number's last WhatsApp message."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.messaging.adapters.orm import inbound_messages, whatsapp_opt_ins, whatsapp_templates
from services.messaging.domain.whatsapp import WhatsAppOptIn, WhatsAppTemplate

_t, _o, _i = whatsapp_templates.c, whatsapp_opt_ins.c, inbound_messages.c


class WhatsAppRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def templates(self) -> Sequence[WhatsAppTemplate]:
        query = select(WhatsAppTemplate).order_by(_t.kind, _t.language)
        return self.session.scalars(query).all()

    def template(self, kind: str, language: str) -> WhatsAppTemplate | None:
        query = select(WhatsAppTemplate).where(_t.kind == kind, _t.language == language)
        return self.session.scalars(query).first()

    def template_by_id(self, template_id: uuid.UUID) -> WhatsAppTemplate | None:
        return self.session.get(WhatsAppTemplate, template_id)

    def add_template(self, template: WhatsAppTemplate) -> None:
        self.session.add(template)

    def opt_in(self, mobile: str) -> WhatsAppOptIn | None:
        return self.session.get(WhatsAppOptIn, mobile)

    def opted_in_among(self, mobiles: Collection[str]) -> set[str]:
        if not mobiles:
            return set()
        query = select(_o.mobile).where(_o.mobile.in_(list(mobiles)))
        return set(self.session.scalars(query))

    def add_opt_in(self, opt_in: WhatsAppOptIn) -> None:
        self.session.add(opt_in)

    def last_inbound_at(self, mobile: str) -> datetime | None:
        """When this number last wrote to us on WhatsApp: the session window opens there."""
        query = select(func.max(_i.received_at)).where(
            _i.channel == "whatsapp", _i.from_number == mobile
        )
        found: datetime | None = self.session.scalar(query)
        # SQLite hands an aggregate back without its time zone; it was stored in UTC.
        return found.replace(tzinfo=UTC) if found and found.tzinfo is None else found

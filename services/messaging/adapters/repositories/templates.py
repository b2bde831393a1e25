"""Message templates, versioned per scope, kind and language."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.messaging.adapters.orm import templates
from services.messaging.domain.templates import Template


class TemplateRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add_template(self, template: Template) -> None:
        self.session.add(template)

    def template(self, template_id: uuid.UUID) -> Template | None:
        return self.session.get(Template, template_id)

    def templates_in(self, scopes: Sequence[str], kind: str | None = None) -> Sequence[Template]:
        query = select(Template).where(templates.c.scope.in_(scopes))
        if kind is not None:
            query = query.where(templates.c.kind == kind)
        return self.session.scalars(query).all()

    def list_templates(
        self, scope: str | None, kind: str | None, language: str | None
    ) -> Sequence[Template]:
        t = templates.c
        query = select(Template).order_by(t.scope, t.kind, t.language, t.version)
        for column, value in ((t.scope, scope), (t.kind, kind), (t.language, language)):
            if value is not None:
                query = query.where(column == value)
        return self.session.scalars(query).all()

    def latest_version(self, scope: str, kind: str, language: str) -> int:
        t = templates.c
        query = select(func.max(t.version)).where(
            t.scope == scope, t.kind == kind, t.language == language
        )
        return int(self.session.execute(query).scalar() or 0)

"""Answers to a form's understanding questions, kept as given."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.consent.adapters.orm import understanding_answers
from services.consent.domain.understanding import UnderstandingAnswer

_u = understanding_answers.c


class UnderstandingRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, answers: Sequence[UnderstandingAnswer]) -> None:
        self.session.add_all(answers)

    def answers(self, record_id: uuid.UUID, form_version: int) -> Sequence[UnderstandingAnswer]:
        """In the order given, so the last answer to each question is the one that counts."""
        query = (
            select(UnderstandingAnswer)
            .where(_u.record_id == record_id, _u.form_version == form_version)
            .order_by(_u.at)
        )
        return self.session.scalars(query).all()

    def answers_of(
        self, record_ids: Collection[uuid.UUID]
    ) -> dict[uuid.UUID, list[UnderstandingAnswer]]:
        """Every answer of each record (all versions), in time order: for exports."""
        query = (
            select(UnderstandingAnswer)
            .where(_u.record_id.in_(record_ids))
            .order_by(_u.record_id, _u.at)
        )
        found: dict[uuid.UUID, list[UnderstandingAnswer]] = {}
        for answer in self.session.scalars(query):
            found.setdefault(answer.record_id, []).append(answer)
        return found

"""The page's understanding questions: asked after identity, before the patient decides."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from services.consent.domain.understanding import mark
from services.consent.service_layer import page
from services.consent.service_layer.unit_of_work import ConsentUnitOfWork


@dataclass(frozen=True)
class Questions:
    view: page.PageView
    pending: list[str]  # question keys not yet answered right


def questions(uow: ConsentUnitOfWork, token: str) -> Questions:
    """The questions still to answer on the form the patient is asked to decide on."""
    with uow:
        view = page.view(uow, token)
        if view.state != page.ASKING or view.form is None:
            return Questions(view, [])
        return Questions(view, page.questions_pending(uow, view.record, view.form))


def answer(
    uow: ConsentUnitOfWork, token: str, given: Mapping[str, str], language: str, version: int
) -> list[str]:
    """Keep each answer (right or wrong); returns the keys still wrong or unanswered."""
    with uow:
        view = page.view(uow, token)
        form = view.form
        if view.state != page.ASKING or form is None or form.version != version:
            return []  # answered already, or the form changed: the page shows where things stand
        asked = [
            q for q in form.questions if q.key in page.questions_pending(uow, view.record, form)
        ]
        uow.understanding.add(mark(asked, given, view.record.id, form.version, language))
        uow.commit()
        return page.questions_pending(uow, view.record, form)
